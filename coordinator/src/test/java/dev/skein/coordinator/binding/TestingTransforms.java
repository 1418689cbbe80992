package dev.skein.coordinator.binding;

import dev.skein.spi.BatchEmitter;
import dev.skein.spi.BatchTransform;
import dev.skein.spi.TransformContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Java stages for binding tests. Only their schemas matter here: they are never given data, and
 * say so if they are.
 */
public final class TestingTransforms {
    private TestingTransforms() {}

    /** Declares its input plus one BOOLEAN column named by {@code config.column}; requires {@code config.requires}. */
    public static final class MarkProcessed extends SchemaOnly {
        private String column = "processed";
        private String requires;

        @Override
        public void open(TransformContext context) {
            column = (String) context.config().getOrDefault("column", column);
            requires = (String) context.config().get("requires");
        }

        @Override
        public Schema outputSchema(Schema input) {
            if (requires != null && input.getFields().stream().noneMatch(field -> field.getName().equals(requires))) {
                throw new IllegalArgumentException("config 'requires': no column '" + requires + "' in the input");
            }
            return withColumn(input, Field.nullable(column, ArrowType.Bool.INSTANCE));
        }
    }

    /** Adds {@code stamp}, a millisecond timestamp in UTC: a type DuckDB reads but exports as microseconds. */
    public static final class MillisClock extends SchemaOnly {
        @Override
        public Schema outputSchema(Schema input) {
            return withColumn(input, Field.nullable("stamp", new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC")));
        }
    }

    /** Passes its input on, but only if {@code stamp} is in milliseconds as {@link MillisClock} declares it. */
    public static final class RequiresMillis extends SchemaOnly {
        @Override
        public Schema outputSchema(Schema input) {
            ArrowType stamp = input.findField("stamp").getType();
            if (!(stamp instanceof ArrowType.Timestamp timestamp) || timestamp.getUnit() != TimeUnit.MILLISECOND) {
                throw new IllegalArgumentException("column 'stamp' is " + stamp + ", not in milliseconds");
            }
            return input;
        }
    }

    /** Declares a schema without columns. */
    public static final class NoColumns extends SchemaOnly {
        @Override
        public Schema outputSchema(Schema input) {
            return new Schema(List.of());
        }
    }

    /** Not a transform at all. */
    public static final class NotATransform {}

    /** A transform Skein cannot create. */
    public static final class NeedsArgument extends SchemaOnly {
        public NeedsArgument(String argument) {}

        @Override
        public Schema outputSchema(Schema input) {
            return input;
        }
    }

    /** Fails in its constructor. */
    public static final class FailsToConstruct extends SchemaOnly {
        public FailsToConstruct() {
            throw new IllegalStateException("no licence key");
        }

        @Override
        public Schema outputSchema(Schema input) {
            return input;
        }
    }

    /** Base of the transforms above: no data is expected. */
    abstract static class SchemaOnly implements BatchTransform {
        @Override
        public void apply(VectorSchemaRoot input, BatchEmitter out) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " only declares a schema");
        }

        static Schema withColumn(Schema input, Field field) {
            List<Field> fields = new ArrayList<>(input.getFields());
            fields.add(field);
            return new Schema(fields);
        }
    }
}
