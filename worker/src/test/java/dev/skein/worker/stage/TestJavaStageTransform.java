package dev.skein.worker.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.spec.JavaTransformSpec;
import dev.skein.spec.Location;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.spi.plugin.TransformLoader;
import dev.skein.cluster.TaskKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The adapter between a task and a user's transform: lifecycle, ownership, schemas, failures, leaks. */
class TestJavaStageTransform {
    private static final String PACKAGE = "dev.skein.worker.stage.TestingJavaTransforms$";
    private static final Schema IDS = new Schema(List.of(
            Field.nullable("id", new ArrowType.Int(64, true)), Field.nullable("twice", new ArrowType.Int(64, true))));

    private BufferAllocator root;
    private BufferAllocator taskAllocator;
    private TransformLoader loader;

    @BeforeEach
    void allocate() {
        root = new RootAllocator();
        taskAllocator = root.newChildAllocator("task", 0, Long.MAX_VALUE);
        loader = TransformLoader.classPathOnly();
    }

    @AfterEach
    void checkNothingLeaked() throws IOException {
        loader.close();
        taskAllocator.close();
        root.close();
    }

    @Test
    void passesConfigAndEmitsBatchesWithTheDeclaredSchema() throws Exception {
        List<List<Long>> out = new ArrayList<>();
        try (JavaStageTransform stage = open("Shift", Map.of("add", 100L));
                VectorSchemaRoot batch = ids(0, 3)) {
            stage.accept(batch, collectInto(out));
            Schema schema = stage.finish(IDS, collectInto(out));

            assertThat(schema.getFields()).extracting(Field::getName).containsExactly("id", "twice", "shifted");
        }
        assertThat(out).containsExactly(List.of(0L, 0L, 100L), List.of(1L, 2L, 101L), List.of(2L, 4L, 102L));
    }

    @Test
    void aStatefulTransformEmitsAtEndOfInputFromItsOwnMemory() throws Exception {
        List<List<Long>> out = new ArrayList<>();
        try (JavaStageTransform stage = open("HoldUntilEnd", Map.of())) {
            for (int start : new int[] {0, 2}) {
                try (VectorSchemaRoot batch = ids(start, 2)) {
                    stage.accept(batch, collectInto(out));
                }
            }
            assertThat(out).isEmpty();
            stage.finish(IDS, collectInto(out));
        }
        assertThat(out).containsExactly(List.of(0L, 0L), List.of(1L, 2L), List.of(2L, 4L), List.of(3L, 6L));
    }

    @Test
    void declaresItsSchemaAtEndOfInputWhenNoBatchArrived() throws Exception {
        try (JavaStageTransform stage = open("Shift", Map.of("add", 1L))) {
            assertThat(stage.finish(IDS, batch -> {
                        throw new AssertionError("nothing to emit");
                    }).getFields())
                    .extracting(Field::getName)
                    .containsExactly("id", "twice", "shifted");
        }
    }

    @Test
    void aThrowingTransformFailsWithItsClassMethodAndMessage() throws Exception {
        try (JavaStageTransform stage = open("FailsOnSecondBatch", Map.of());
                VectorSchemaRoot batch = ids(0, 2)) {
            stage.accept(batch, ignored -> {});

            assertThatThrownBy(() -> stage.accept(batch, ignored -> {}))
                    .isInstanceOfSatisfying(SkeinException.class, e -> assertThat(e.errorCode())
                            .isEqualTo(ErrorCode.STAGE_FAILED))
                    .hasMessage(PACKAGE + "FailsOnSecondBatch.apply threw IllegalStateException: batch 2 has a bad row");
        }
    }

    @Test
    void aBatchThatDiffersFromTheDeclaredSchemaIsRefused() throws Exception {
        try (JavaStageTransform stage = open("EmitsWrongSchema", Map.of());
                VectorSchemaRoot batch = ids(0, 2)) {
            assertThatThrownBy(() -> stage.accept(batch, ignored -> {}))
                    .hasMessage(PACKAGE + "EmitsWrongSchema.apply failed: emitted a batch of schema Schema<id:"
                            + " Int(64, true)>, which differs from its outputSchema Schema<id: Int(64, true), twice:"
                            + " Int(64, true)>");
        }
    }

    @Test
    void aFailureDownstreamSurfacesAsItselfEvenWhenTheTransformWrapsIt() throws Exception {
        SkeinException cancelled = new SkeinException(ErrorCode.CANCELLED, "cancelled");
        StageOutput failing = batch -> {
            throw cancelled;
        };
        try (JavaStageTransform stage = open("WrapsEmitFailures", Map.of());
                VectorSchemaRoot batch = ids(0, 2)) {
            assertThatThrownBy(() -> stage.accept(batch, failing)).isSameAs(cancelled);
        }
    }

    @Test
    void aLeakFailsTheCloseWithTheClassAndTheByteCount() throws Exception {
        JavaStageTransform stage = open("Leaks", Map.of());

        assertThatThrownBy(stage::close)
                .isInstanceOf(SkeinException.class)
                .hasMessage(PACKAGE + "Leaks leaked 1024 bytes of Arrow memory: its allocator still held them after"
                        + " close()");
        stage.close();

        ((TestingJavaTransforms.Leaks) stage.transform()).releaseLeak();
        taskAllocator.getChildAllocators().forEach(BufferAllocator::close);
    }

    @Test
    void aMissingClassOrAFailingOpenLeavesNoAllocatorBehind() {
        assertThatThrownBy(() -> open("Nope", Map.of())).hasMessage("class '" + PACKAGE + "Nope' not found");
        assertThatThrownBy(() -> open("Shift", Map.of()))
                .hasMessage(PACKAGE + "Shift.open threw IllegalArgumentException: config 'add' must be an integer");
        assertThat(taskAllocator.getChildAllocators()).isEmpty();
    }

    private JavaStageTransform open(String simpleName, Map<String, Object> config) {
        JavaTransformSpec spec = new JavaTransformSpec(PACKAGE + simpleName, new Location(1, 1), config, new Location(1, 1));
        return JavaStageTransform.open(spec, loader, new StageTask(new TaskKey("p", 1, 1, 0), "stage", 1), taskAllocator);
    }

    /** A batch of {@code rows} rows: ids from {@code start}, and twice the id. */
    private VectorSchemaRoot ids(int start, int rows) {
        VectorSchemaRoot batch = VectorSchemaRoot.create(IDS, root);
        BigIntVector id = (BigIntVector) batch.getVector("id");
        BigIntVector twice = (BigIntVector) batch.getVector("twice");
        id.allocateNew(rows);
        twice.allocateNew(rows);
        for (int row = 0; row < rows; row++) {
            id.set(row, start + row);
            twice.set(row, 2L * (start + row));
        }
        batch.setRowCount(rows);
        return batch;
    }

    private static StageOutput collectInto(List<List<Long>> rows) {
        return batch -> {
            for (int row = 0; row < batch.getRowCount(); row++) {
                List<Long> values = new ArrayList<>();
                for (FieldVector vector : batch.getFieldVectors()) {
                    values.add(((BigIntVector) vector).get(row));
                }
                rows.add(values);
            }
        };
    }
}
