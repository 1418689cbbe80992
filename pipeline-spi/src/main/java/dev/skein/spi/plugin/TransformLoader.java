package dev.skein.spi.plugin;

import static java.util.Objects.requireNonNull;

import dev.skein.spi.BatchTransform;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds {@link BatchTransform} classes for Skein's own nodes (workers, the coordinator, {@code
 * skein validate}); transform authors do not need it. A class is looked up on the class path of
 * this SPI's class loader first, then in the jars ({@code *.jar}) of an optional plugins directory.
 * Each jar gets its own class loader whose parent is this SPI's loader, so plugins share the SPI
 * and Arrow with Skein but not each other's classes. The directory is read once, when the loader
 * is created.
 *
 * <p>Problems are {@link SkeinException}s with {@link ErrorCode#INVALID_SPEC} whose messages name
 * the class: {@code class 'com.example.Nope' not found}, {@code class 'com.example.Foo' does not
 * implement dev.skein.spi.BatchTransform}, and the like; callers prefix the stage.
 *
 * <p>Thread-safe. Closing it closes the plugin jars' class loaders.
 */
public final class TransformLoader implements AutoCloseable {
    private static final String INTERFACE = BatchTransform.class.getName();

    private final Optional<Path> pluginsDirectory;
    private final Map<Path, URLClassLoader> jarLoaders;

    private TransformLoader(Optional<Path> pluginsDirectory, Map<Path, URLClassLoader> jarLoaders) {
        this.pluginsDirectory = pluginsDirectory;
        this.jarLoaders = jarLoaders;
    }

    /** Looks on the class path only. */
    public static TransformLoader classPathOnly() {
        return new TransformLoader(Optional.empty(), Map.of());
    }

    /**
     * Looks on the class path, then in the jars of {@code pluginsDirectory} if given.
     *
     * @throws SkeinException ({@link ErrorCode#NOT_FOUND}) if the directory does not exist or
     *     cannot be listed
     */
    public static TransformLoader of(Optional<Path> pluginsDirectory) {
        requireNonNull(pluginsDirectory, "pluginsDirectory is null");
        if (pluginsDirectory.isEmpty()) {
            return classPathOnly();
        }
        Path directory = pluginsDirectory.get().toAbsolutePath().normalize();
        if (!Files.isDirectory(directory)) {
            throw new SkeinException(ErrorCode.NOT_FOUND, "plugins directory '" + directory + "' does not exist");
        }
        Map<Path, URLClassLoader> loaders = new LinkedHashMap<>();
        ClassLoader parent = BatchTransform.class.getClassLoader();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(directory, "*.jar")) {
            List<Path> sorted = new ArrayList<>();
            jars.forEach(sorted::add);
            sorted.sort(null);
            for (Path jar : sorted) {
                loaders.put(jar, new URLClassLoader("plugin " + jar.getFileName(), new URL[] {url(jar)}, parent));
            }
        } catch (IOException e) {
            loaders.values().forEach(TransformLoader::closeQuietly);
            throw new SkeinException(
                    ErrorCode.NOT_FOUND, "cannot list plugins directory '" + directory + "': " + e.getMessage(), e);
        }
        return new TransformLoader(Optional.of(directory), loaders);
    }

    /** The plugins directory, absolute, if one was given. */
    public Optional<Path> pluginsDirectory() {
        return pluginsDirectory;
    }

    /** The plugin jars, in the order they are searched (by file name). */
    public List<Path> jars() {
        return List.copyOf(jarLoaders.keySet());
    }

    /**
     * Loads a transform class and checks that Skein can create it: it implements {@link
     * BatchTransform}, is public and concrete, and has a public no-argument constructor. The class
     * is not initialized.
     *
     * @throws SkeinException ({@link ErrorCode#INVALID_SPEC}) naming the class and what is wrong
     */
    public Class<? extends BatchTransform> load(String className) {
        requireNonNull(className, "className is null");
        Class<?> type = find(className);
        if (!BatchTransform.class.isAssignableFrom(type)) {
            throw invalid("class '" + className + "' does not implement " + INTERFACE);
        }
        int modifiers = type.getModifiers();
        if (!Modifier.isPublic(modifiers)) {
            throw invalid("class '" + className + "' is not public");
        }
        if (type.isInterface() || Modifier.isAbstract(modifiers)) {
            throw invalid("class '" + className + "' is abstract; name a concrete class");
        }
        if (type.isMemberClass() && !Modifier.isStatic(modifiers)) {
            throw invalid("class '" + className + "' is an inner class; make it static");
        }
        try {
            type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw invalid("class '" + className + "' has no public no-argument constructor");
        }
        return type.asSubclass(BatchTransform.class);
    }

    /**
     * A new instance of a transform class, not yet opened.
     *
     * @throws SkeinException ({@link ErrorCode#INVALID_SPEC}) if the class cannot be loaded or
     *     checked; ({@link ErrorCode#STAGE_FAILED}) if its constructor or static initializer throws
     */
    public BatchTransform instantiate(String className) {
        Class<? extends BatchTransform> type = load(className);
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(type.getClassLoader());
        try {
            Constructor<? extends BatchTransform> constructor = type.getConstructor();
            return constructor.newInstance();
        } catch (InvocationTargetException e) {
            throw new SkeinException(
                    ErrorCode.STAGE_FAILED, TransformCalls.describe(className, "<init>", e.getCause()), e.getCause());
        } catch (ExceptionInInitializerError e) {
            throw new SkeinException(
                    ErrorCode.STAGE_FAILED, TransformCalls.describe(className, "<clinit>", e.getCause()), e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw invalid("class '" + className + "' cannot be created: " + e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private Class<?> find(String className) {
        try {
            return Class.forName(className, false, BatchTransform.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            // not on the class path: look in the plugin jars
        } catch (LinkageError e) {
            throw invalid("class '" + className + "' cannot be loaded: " + e);
        }
        String resource = className.replace('.', '/') + ".class";
        List<Path> holders = new ArrayList<>();
        jarLoaders.forEach((jar, loader) -> {
            if (loader.findResource(resource) != null) {
                holders.add(jar);
            }
        });
        if (holders.isEmpty()) {
            throw invalid("class '" + className + "' not found");
        }
        if (holders.size() > 1) {
            throw invalid("class '" + className + "' is in more than one plugin jar: "
                    + String.join(", ", holders.stream().map(jar -> jar.getFileName().toString()).toList()));
        }
        try {
            return Class.forName(className, false, jarLoaders.get(holders.get(0)));
        } catch (ClassNotFoundException | LinkageError e) {
            throw invalid("class '" + className + "' cannot be loaded from plugin jar '"
                    + holders.get(0).getFileName() + "': " + e);
        }
    }

    private static SkeinException invalid(String message) {
        return new SkeinException(ErrorCode.INVALID_SPEC, message);
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a file path: " + jar, e);
        }
    }

    private static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            // nothing was loaded through it yet; an open jar file handle is all that can remain
        }
    }

    /** Closes the plugin jars' class loaders; classes already loaded keep working. Idempotent. */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (URLClassLoader loader : jarLoaders.values()) {
            try {
                loader.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
