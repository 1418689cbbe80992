package dev.skein.coordinator.binding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.spec.InvalidSpecException;
import dev.skein.spec.SpecParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TestIngestBinding {
    @Test
    void declaredColumnsAreTheSourceSchema() {
        try (SqlBinder binder = SqlBinder.open()) {
            BoundPipeline bound = binder.bind(SpecParser.parse("p.yaml", """
                    name: events
                    source:
                      type: ingest
                      schema:
                        id: BIGINT
                        amount: DECIMAL(18, 3)
                        tags: VARCHAR[]
                    stages:
                      - name: big
                        sql: SELECT id, amount * 2 AS twice FROM input WHERE len(tags) > 0
                    """, Path.of("/tmp")));

            assertThat(bound.sourceColumns()).containsExactly(
                    new BoundColumn("id", "BIGINT"), new BoundColumn("amount", "DECIMAL(18,3)"),
                    new BoundColumn("tags", "VARCHAR[]"));
            assertThat(bound.outputOf("big")).containsExactly(
                    new BoundColumn("id", "BIGINT"), new BoundColumn("twice", "DECIMAL(18,3)"));
        }
    }

    @Test
    void unknownOrInjectedTypesAreProblemsAtTheColumn() {
        try (SqlBinder binder = SqlBinder.open()) {
            assertThatThrownBy(() -> binder.bind(SpecParser.parse("p.yaml", """
                            name: events
                            source:
                              type: ingest
                              schema:
                                id: BIGINTT
                                name: VARCHAR); DROP TABLE x; --
                            stages:
                              - name: copy
                                sql: SELECT * FROM input
                            """, Path.of("/tmp"))))
                    .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.problems())
                            .extracting(Object::toString)
                            .satisfiesExactly(
                                    first -> assertThat(first).startsWith(
                                            "p.yaml:5:5: error: source: column 'id' has type 'BIGINTT': Catalog Error: Type with name BIGINTT does not exist!"),
                                    second -> assertThat(second).isEqualTo(
                                            "p.yaml:6:5: error: source: column 'name' has an invalid type 'VARCHAR); DROP TABLE x; --'")));
        }
    }
}
