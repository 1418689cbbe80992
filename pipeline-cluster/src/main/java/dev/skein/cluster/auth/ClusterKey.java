package dev.skein.cluster.auth;

import static java.util.Objects.requireNonNull;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key every node signs and checks bearer tokens with, derived from the cluster secret. Nodes
 * that share the secret accept each other's tokens. The secret itself is not kept, and {@link
 * #toString()} shows nothing of it. Immutable and thread-safe.
 */
public final class ClusterKey {
    /** Shorter secrets are refused: 16 bytes is the least an HMAC-SHA256 key should carry. */
    public static final int MIN_SECRET_BYTES = 16;

    private static final Logger log = LoggerFactory.getLogger(ClusterKey.class);
    private static final String ALGORITHM = "HmacSHA256";
    /** Key separation: the secret is never used as a key directly, so it can serve other uses later. */
    private static final byte[] TOKEN_KEY_LABEL = "skein/v1/bearer-token-signing".getBytes(StandardCharsets.UTF_8);

    private static final byte[] CAPABILITY_KEY_LABEL =
            "skein/v1/data-plane-capability-signing".getBytes(StandardCharsets.UTF_8);

    private final SecretKeySpec tokenKey;
    private final SecretKeySpec capabilityKey;

    private ClusterKey(SecretKeySpec tokenKey, SecretKeySpec capabilityKey) {
        this.tokenKey = tokenKey;
        this.capabilityKey = capabilityKey;
    }

    /** The key of a secret given as text (a file's content or {@code SKEIN_SECRET}); surrounding blanks are ignored. */
    public static ClusterKey fromSecret(String secret) {
        requireNonNull(secret, "secret is null");
        byte[] bytes = secret.strip().getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new SkeinException(ErrorCode.INVALID_CONFIG, "the cluster secret has " + bytes.length
                    + " bytes; it needs at least " + MIN_SECRET_BYTES + " (for example: head -c 32 /dev/urandom | base64)");
        }
        SecretKeySpec secretKey = new SecretKeySpec(bytes, ALGORITHM);
        return new ClusterKey(new SecretKeySpec(hmac(secretKey, TOKEN_KEY_LABEL), ALGORITHM),
                new SecretKeySpec(hmac(secretKey, CAPABILITY_KEY_LABEL), ALGORITHM));
    }

    /** The key of the secret in {@code file}; warns when other users may read the file. */
    public static ClusterKey fromFile(Path file) {
        String secret;
        try {
            secret = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.INVALID_CONFIG, "cannot read the cluster secret file '" + file + "': " + e, e);
        }
        warnIfReadableByOthers(file);
        try {
            return fromSecret(secret);
        } catch (SkeinException e) {
            throw new SkeinException(e.errorCode(), file + ": " + e.getMessage(), e);
        }
    }

    /** A new random secret (32 bytes, base64url), for a cluster that makes its own, like local mode. */
    public static String generateSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** HMAC-SHA256 of {@code data} under the token key. */
    byte[] signToken(byte[] data) {
        return hmac(tokenKey, data);
    }

    /** HMAC-SHA256 of {@code data} under the data-plane capability key (separate from the token key). */
    byte[] signCapability(byte[] data) {
        return hmac(capabilityKey, data);
    }

    static byte[] hmac(SecretKeySpec key, byte[] data) {
        try {
            // A Mac is not thread-safe; a fresh one per call costs about a microsecond.
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "HMAC-SHA256 is not available: " + e.getMessage(), e);
        }
    }

    private static void warnIfReadableByOthers(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                log.warn("the cluster secret file '{}' is readable by other users; chmod 600 it", file);
            }
        } catch (UnsupportedOperationException | IOException e) {
            // Not a POSIX file system (or no permission to look): nothing to check, the read above worked.
        }
    }

    @Override
    public String toString() {
        return "ClusterKey[HmacSHA256]";
    }
}
