package dev.skein.worker.exchange;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Record batch headers that contradict their bodies, refused before Arrow loads them. */
class TestBatchHeaderCheck {
    private static final Schema IDS = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true))));

    private final BufferAllocator allocator = new RootAllocator();

    @AfterEach
    void close() {
        allocator.close();
    }

    @Test
    void aTruthfulBatchPasses() {
        try (BigIntVector id = new BigIntVector("id", allocator);
                VarCharVector name = new VarCharVector("name", allocator);
                VectorSchemaRoot root = VectorSchemaRoot.of(id, name)) {
            id.allocateNew(3);
            name.allocateNew(3);
            for (int i = 0; i < 3; i++) {
                id.set(i, i);
                name.setSafe(i, ("n" + i).getBytes(StandardCharsets.UTF_8));
            }
            id.setNull(1);
            root.setRowCount(3);
            try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
                assertThatCode(() -> BatchHeaderCheck.check(root.getSchema(), batch, batch.computeBodyLength()))
                        .doesNotThrowAnyException();
            }
        }
    }

    @Test
    void twentyMillionRowsClaimedOverASixteenByteBodyAreRefused() {
        try (ArrowBuf validity = allocator.buffer(0);
                ArrowBuf data = allocator.buffer(16);
                ArrowRecordBatch batch = new ArrowRecordBatch(20_000_000,
                        List.of(new ArrowFieldNode(20_000_000, 20_000_000)), List.of(validity, data.writerIndex(16)))) {
            assertRefused(batch, 16, "malformed record batch header: column 'id' claims 20000000 values, but its"
                    + " DATA buffer holds 16 bytes (160000000 needed)");
        }
    }

    @Test
    void aBufferPastTheBodyAndAColumnShorterThanTheBatchAreRefused() {
        try (ArrowBuf validity = allocator.buffer(0);
                ArrowBuf data = allocator.buffer(64);
                ArrowRecordBatch batch = new ArrowRecordBatch(8,
                        List.of(new ArrowFieldNode(8, 0)), List.of(validity, data.writerIndex(64)))) {
            assertRefused(batch, 16, "malformed record batch header: buffer 1 (64 bytes at offset 0) lies outside"
                    + " the 16-byte body");
        }
        try (ArrowBuf validity = allocator.buffer(0);
                ArrowBuf data = allocator.buffer(0);
                ArrowRecordBatch batch = new ArrowRecordBatch(20_000_000,
                        List.of(new ArrowFieldNode(0, 0)), List.of(validity, data))) {
            assertRefused(batch, 0, "malformed record batch header: column 'id' has 0 values, but the batch claims"
                    + " 20000000 rows");
        }
    }

    private static void assertRefused(ArrowRecordBatch batch, long bodyBytes, String message) {
        assertThatThrownBy(() -> BatchHeaderCheck.check(IDS, batch, bodyBytes))
                .isInstanceOfSatisfying(SkeinException.class,
                        e -> org.assertj.core.api.Assertions.assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessage(message);
    }
}
