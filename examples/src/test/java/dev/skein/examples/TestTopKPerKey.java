package dev.skein.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.spi.plugin.TaskTransformContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class TestTopKPerKey {
    private static final Map<String, Object> TOP_2 = Map.of("key", "customer", "by", "amount", "k", 2L);

    @Test
    void keepsTheLargestRowsPerKeyAcrossBatchesAndEmitsThemAtTheEnd() {
        try (BufferAllocator root = new RootAllocator()) {
            TaskTransformContext context = TestingBatches.context(root, TOP_2);
            TestingEmitter out = new TestingEmitter();
            try (TopKPerKey top = new TopKPerKey()) {
                top.open(context);
                assertThat(top.outputSchema(TestingBatches.ORDERS)).isEqualTo(TestingBatches.ORDERS);
                apply(top, root, out, 0, List.of("b", "a", "b", "a"), Arrays.asList(5.0, null, 1.0, 3.0));
                apply(top, root, out, 4, List.of("a", "b", "c", "a"), Arrays.asList(3.0, 7.0, null, 2.0));
                assertThat(out.rows()).isEmpty();

                top.finish(out);
            }
            // per key in order of first appearance, largest first; equal values keep arrival order; NULL last
            assertThat(out.rows()).containsExactly(
                    List.of("5", "b", "7.0"),
                    List.of("0", "b", "5.0"),
                    List.of("3", "a", "3.0"),
                    List.of("4", "a", "3.0"),
                    List.of("6", "c", "NULL"));
            assertThat(context.allocator().getAllocatedMemory()).isZero();
            context.allocator().close();
        }
    }

    @Test
    void compactsWhatItKeepsAndStillMatchesASortedAnswer() {
        int keys = 50;
        int rows = 300_000;
        try (BufferAllocator root = new RootAllocator()) {
            TaskTransformContext context = TestingBatches.context(root, Map.of("key", "customer", "by", "amount", "k", 3L));
            TestingEmitter out = new TestingEmitter();
            Map<String, List<Double>> all = new LinkedHashMap<>();
            try (TopKPerKey top = new TopKPerKey()) {
                top.open(context);
                top.outputSchema(TestingBatches.ORDERS);
                for (int start = 0; start < rows; start += 10_000) {
                    List<String> customers = new ArrayList<>();
                    List<Double> amounts = new ArrayList<>();
                    for (int i = start; i < start + 10_000; i++) {
                        // rising amounts: almost every row enters its key's top 3, so most kept rows are dropped
                        customers.add("c" + i % keys);
                        amounts.add(i + (i * 7919 % 1000) / 1000.0);
                        all.computeIfAbsent("c" + i % keys, ignored -> new ArrayList<>()).add(amounts.get(amounts.size() - 1));
                    }
                    apply(top, root, out, start, customers, amounts);
                }
                top.finish(out);
            }
            List<String> expected = new ArrayList<>();
            all.forEach((customer, amounts) -> amounts.stream()
                    .sorted(Comparator.reverseOrder())
                    .limit(3)
                    .forEach(amount -> expected.add(customer + " " + amount)));
            assertThat(out.rows()).extracting(row -> row.get(1) + " " + row.get(2)).containsExactlyElementsOf(expected);
            context.allocator().close();
        }
    }

    @Test
    void namesTheConfigThatDoesNotFitTheInput() {
        try (BufferAllocator root = new RootAllocator()) {
            assertRejected(root, Map.of("key", "customr", "by", "amount"),
                    "config 'key': no column 'customr' in the input; it has: id, customer, amount");
            assertRejected(root, Map.of("key", "customer", "by", "customer"),
                    "config 'by': column 'customer' is Utf8, not a number");
            TaskTransformContext context = TestingBatches.context(root, Map.of("key", "customer"));
            assertThatThrownBy(() -> new TopKPerKey().open(context)).hasMessage("config 'by' is required");
            context.allocator().close();
            TaskTransformContext zero = TestingBatches.context(root, Map.of("key", "customer", "by", "amount", "k", 0L));
            assertThatThrownBy(() -> new TopKPerKey().open(zero)).hasMessage("config 'k' must be a positive integer, got 0");
            zero.allocator().close();
        }
    }

    private static void assertRejected(BufferAllocator root, Map<String, Object> config, String message) {
        TaskTransformContext context = TestingBatches.context(root, config);
        try (TopKPerKey top = new TopKPerKey()) {
            top.open(context);
            assertThatThrownBy(() -> top.outputSchema(TestingBatches.ORDERS))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(message);
        }
        context.allocator().close();
    }

    private static void apply(
            TopKPerKey top, BufferAllocator root, TestingEmitter out, long firstId, List<String> customers,
            List<Double> amounts) {
        try (VectorSchemaRoot batch = TestingBatches.orders(root, firstId, customers, amounts)) {
            top.apply(batch, out);
        }
    }
}
