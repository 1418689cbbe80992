package dev.skein.spi.plugin;

import dev.skein.spi.BatchEmitter;
import dev.skein.spi.BatchTransform;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/** Classes on the test class path, one for each thing {@link TransformLoader} checks. */
public final class TestingTransforms {
    private TestingTransforms() {}

    /** A valid transform. */
    public static class PassThrough implements BatchTransform {
        /** The context class loader seen by the last call of {@link #outputSchema}, on any instance. */
        static volatile ClassLoader contextLoaderSeen;

        @Override
        public Schema outputSchema(Schema input) {
            contextLoaderSeen = Thread.currentThread().getContextClassLoader();
            return input;
        }

        @Override
        public void apply(VectorSchemaRoot input, BatchEmitter out) {
            out.emit(input);
        }
    }

    /** Not a transform. */
    public static final class NotATransform {}

    /** Not visible to Skein. */
    static final class NotPublic extends PassThrough {}

    /** Cannot be created. */
    public abstract static class Abstract extends PassThrough {}

    /** Needs an instance of its outer class. */
    public final class Inner extends PassThrough {}

    /** Takes arguments Skein cannot give. */
    public static final class NeedsArgument extends PassThrough {
        public NeedsArgument(String argument) {}
    }

    /** Fails while it is created. */
    public static final class FailsToConstruct extends PassThrough {
        public FailsToConstruct() {
            throw new SkeinException(ErrorCode.STAGE_FAILED, "no licence key");
        }
    }
}
