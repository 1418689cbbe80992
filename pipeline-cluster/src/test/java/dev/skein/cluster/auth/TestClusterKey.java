package dev.skein.cluster.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestClusterKey {
    @TempDir
    Path dir;

    @Test
    void sameSecretGivesSameSignaturesAndOtherSecretsOthers() throws Exception {
        byte[] data = "v1.payload".getBytes(StandardCharsets.US_ASCII);
        Path file = dir.resolve("secret");
        Files.writeString(file, "0123456789abcdef0123\n");

        assertThat(ClusterKey.fromFile(file).signToken(data))
                .isEqualTo(ClusterKey.fromSecret("0123456789abcdef0123").signToken(data))
                .isNotEqualTo(ClusterKey.fromSecret("0123456789abcdef0124").signToken(data))
                .hasSize(32);
    }

    @Test
    void shortSecretIsRefused() throws Exception {
        Path file = dir.resolve("secret");
        Files.writeString(file, "too short\n");

        assertThatThrownBy(() -> ClusterKey.fromFile(file))
                .isInstanceOfSatisfying(SkeinException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_CONFIG))
                .hasMessage(file + ": the cluster secret has 9 bytes; it needs at least 16"
                        + " (for example: head -c 32 /dev/urandom | base64)");
    }

    @Test
    void missingFileIsReportedWithItsName() {
        Path file = dir.resolve("absent");

        assertThatThrownBy(() -> ClusterKey.fromFile(file))
                .hasMessageStartingWith("cannot read the cluster secret file '" + file + "'");
    }

    @Test
    void generatedSecretsAreLongEnoughAndDiffer() {
        String secret = ClusterKey.generateSecret();

        assertThat(secret).hasSize(43).isNotEqualTo(ClusterKey.generateSecret());
        assertThat(ClusterKey.fromSecret(secret)).hasToString("ClusterKey[HmacSHA256]");
    }
}
