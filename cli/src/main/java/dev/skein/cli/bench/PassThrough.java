package dev.skein.cli.bench;

import dev.skein.spi.BatchEmitter;
import dev.skein.spi.BatchTransform;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The cheapest Java stage: emits every batch as it came. What the benchmark measures with it is
 * the cost of a Java stage itself (the adapter, the schema check, the hop), against {@code SELECT *
 * FROM input} in DuckDB.
 */
public final class PassThrough implements BatchTransform {
    @Override
    public Schema outputSchema(Schema input) {
        return input;
    }

    @Override
    public void apply(VectorSchemaRoot input, BatchEmitter out) {
        out.emit(input);
    }
}
