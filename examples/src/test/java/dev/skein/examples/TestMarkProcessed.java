package dev.skein.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.spi.plugin.TaskTransformContext;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.Test;

class TestMarkProcessed {
    @Test
    void addsATrueColumnAndSharesTheInputColumns() {
        try (BufferAllocator root = new RootAllocator()) {
            TaskTransformContext context = TestingBatches.context(root, Map.of());
            TestingEmitter out = new TestingEmitter();
            try (MarkProcessed mark = new MarkProcessed();
                    VectorSchemaRoot batch = TestingBatches.orders(root, 7, List.of("a", "b"), Arrays.asList(1.5, null))) {
                mark.open(context);
                assertThat(mark.outputSchema(TestingBatches.ORDERS).getFields())
                        .last()
                        .isEqualTo(Field.notNullable("processed", ArrowType.Bool.INSTANCE));

                mark.apply(batch, out);

                assertThat(out.rows()).containsExactly(
                        List.of("7", "a", "1.5", "true"), List.of("8", "b", "NULL", "true"));
                assertThat(out.lastVectors().subList(0, 3)).containsExactlyElementsOf(batch.getFieldVectors());
            }
            assertThat(context.allocator().getAllocatedMemory()).isZero();
            context.allocator().close();
        }
    }

    @Test
    void takesItsColumnNameFromConfigAndRefusesOneTheInputHas() {
        try (BufferAllocator root = new RootAllocator();
                MarkProcessed mark = new MarkProcessed()) {
            TaskTransformContext context = TestingBatches.context(root, Map.of("column", "Amount"));
            mark.open(context);

            assertThatThrownBy(() -> mark.outputSchema(TestingBatches.ORDERS))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the input already has a column 'amount'; name the new one with config 'column'");
            context.allocator().close();
        }
    }
}
