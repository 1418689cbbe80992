package dev.skein.worker.exchange;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.spi.SkeinException;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** Batches from the network are read without bounds checks, so a lying one must be refused first. */
class TestBatchValidation {
    @Test
    void aWellFormedBatchPasses() {
        try (BufferAllocator allocator = new RootAllocator(); VectorSchemaRoot batch = strings(allocator, 100)) {
            assertThatCode(() -> BatchValidation.check(batch, "test")).doesNotThrowAnyException();
        }
    }

    @Test
    void offsetsThatGoBackwardsAreRefused() {
        try (BufferAllocator allocator = new RootAllocator(); VectorSchemaRoot batch = strings(allocator, 100)) {
            VarCharVector text = (VarCharVector) batch.getVector(0);
            text.getOffsetBuffer().setInt(50L * Integer.BYTES, 0);

            assertThatThrownBy(() -> BatchValidation.check(batch, "upstream task 0"))
                    .isInstanceOf(SkeinException.class)
                    .hasMessage("malformed batch from upstream task 0: column 'text' has decreasing offsets at offset 50");
        }
    }

    @Test
    void offsetsPastTheDataAreRefused() {
        try (BufferAllocator allocator = new RootAllocator(); VectorSchemaRoot batch = strings(allocator, 100)) {
            VarCharVector text = (VarCharVector) batch.getVector(0);
            text.getOffsetBuffer().setInt(100L * Integer.BYTES, Integer.MAX_VALUE);

            assertThatThrownBy(() -> BatchValidation.check(batch, "upstream task 0"))
                    .isInstanceOf(SkeinException.class)
                    .hasMessageStartingWith("malformed batch from upstream task 0: ");
        }
    }

    private static VectorSchemaRoot strings(BufferAllocator allocator, int rows) {
        VarCharVector text = new VarCharVector("text", allocator);
        text.allocateNew(rows);
        for (int i = 0; i < rows; i++) {
            text.setSafe(i, ("value " + i).getBytes(StandardCharsets.UTF_8));
        }
        text.setValueCount(rows);
        VectorSchemaRoot batch = VectorSchemaRoot.of(text);
        batch.setRowCount(rows);
        return batch;
    }
}
