package dev.skein.cluster.auth;

import static java.util.Objects.requireNonNull;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A stored password: PBKDF2-HMAC-SHA256 with a random salt, written
 * {@code $pbkdf2-sha256$<iterations>$<salt>$<hash>} (base64, no padding). {@code skein
 * hash-password} prints one for a users file. Immutable.
 *
 * @param iterations PBKDF2 rounds
 * @param salt 16 random bytes
 * @param hash 32 bytes of derived key
 */
public record PasswordHash(int iterations, byte[] salt, byte[] hash) {
    public static final String PREFIX = "$pbkdf2-sha256$";
    /** OWASP's figure for PBKDF2-HMAC-SHA256 (2023): about 0.3 s per check on a small machine. */
    public static final int DEFAULT_ITERATIONS = 600_000;

    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getDecoder();

    public PasswordHash {
        requireNonNull(salt, "salt is null");
        requireNonNull(hash, "hash is null");
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive: " + iterations);
        }
        salt = salt.clone();
        hash = hash.clone();
    }

    /** Hashes {@code password} with a fresh salt. */
    public static PasswordHash of(String password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations));
    }

    /** Parses the {@code $pbkdf2-sha256$...} form; empty if {@code text} is not in it. */
    public static Optional<PasswordHash> parse(String text) {
        if (!text.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = text.substring(PREFIX.length()).split("\\$", -1);
        try {
            if (parts.length == 3) {
                return Optional.of(new PasswordHash(Integer.parseInt(parts[0]), DECODER.decode(parts[1]),
                        DECODER.decode(parts[2])));
            }
        } catch (IllegalArgumentException e) {
            // A NumberFormatException or bad base64: reported below like a wrong number of parts.
        }
        throw new SkeinException(ErrorCode.INVALID_CONFIG,
                "malformed password hash; expected " + PREFIX + "<iterations>$<salt>$<hash>");
    }

    /** Whether {@code password} is the one hashed, compared in constant time. */
    public boolean matches(String password) {
        return MessageDigest.isEqual(hash, derive(password, salt, iterations));
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    /** The stored form. */
    public String encode() {
        return PREFIX + iterations + "$" + ENCODER.encodeToString(salt) + "$" + ENCODER.encodeToString(hash);
    }

    @Override
    public String toString() {
        return "PasswordHash[pbkdf2-sha256, " + iterations + " iterations]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PasswordHash that && encode().equals(that.encode());
    }

    @Override
    public int hashCode() {
        return encode().hashCode();
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "PBKDF2WithHmacSHA256 is not available: " + e.getMessage(), e);
        } finally {
            spec.clearPassword();
        }
    }
}
