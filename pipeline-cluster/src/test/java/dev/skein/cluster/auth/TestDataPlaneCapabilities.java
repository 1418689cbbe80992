package dev.skein.cluster.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.cluster.TaskKey;
import dev.skein.cluster.auth.DataPlaneCapabilities.Kind;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A capability grants one call kind on one task (and one edge) of one plan, nothing else. */
class TestDataPlaneCapabilities {
    private static final String TOKEN = "00112233445566778899aabbccddeeff";
    private static final TaskKey TASK = new TaskKey("w1", 7, 2, 1);
    private static final DataPlaneCapabilities OPEN = DataPlaneCapabilities.of(AuthConfig.open());
    private static final DataPlaneCapabilities SIGNED = DataPlaneCapabilities.of(
            AuthConfig.of(ClusterKey.fromSecret("a cluster secret of enough bytes"), Optional.empty()));

    @Test
    void aCapabilityGrantsExactlyWhatItWasIssuedFor() {
        String exchange = OPEN.issue(TOKEN, Kind.EXCHANGE, TASK, 0);
        assertThatCode(() -> OPEN.check(TOKEN, Kind.EXCHANGE, TASK, 0, exchange)).doesNotThrowAnyException();

        assertDenied(() -> OPEN.check(TOKEN, Kind.EXCHANGE, TASK, 1, exchange), "exchange into task w1@7/2-1 refused:"
                + " the capability is not this plan's; only the plan's own tasks may send to it");
        assertDenied(() -> OPEN.check(TOKEN, Kind.TAP, TASK, 0, exchange), "tap on task w1@7/2-1 refused: the"
                + " capability is not this plan's; DoGet the tickets of the coordinator's GetFlightInfo(PATH"
                + " [pipeline, stage])");
        assertDenied(() -> OPEN.check(TOKEN, Kind.EXCHANGE, new TaskKey("w1", 8, 2, 1), 0, exchange),
                "exchange into task w1@8/2-1 refused: the capability is not this plan's; only the plan's own tasks"
                        + " may send to it");
        assertDenied(() -> OPEN.check("ffeeddccbbaa99887766554433221100", Kind.EXCHANGE, TASK, 0, exchange),
                "exchange into task w1@7/2-1 refused: the capability is not this plan's; only the plan's own tasks"
                        + " may send to it");
        assertDenied(() -> OPEN.check(TOKEN, Kind.INGEST, TASK, -1, null), "ingest into task w1@7/2-1 refused: the"
                + " call carries no capability; DoPut with the ticket of the coordinator's GetFlightInfo(PATH"
                + " [pipeline, \"ingest\"]) as the descriptor's command");
    }

    @Test
    void underAuthOnlyNodesWithTheClusterKeyCanMakeOne() {
        String signed = SIGNED.issue(TOKEN, Kind.TAP, TASK, -1);
        assertThat(signed).isNotEqualTo(OPEN.issue(TOKEN, Kind.TAP, TASK, -1));
        assertThatCode(() -> SIGNED.check(TOKEN, Kind.TAP, TASK, -1, signed)).doesNotThrowAnyException();
        assertDenied(() -> SIGNED.check(TOKEN, Kind.TAP, TASK, -1, OPEN.issue(TOKEN, Kind.TAP, TASK, -1)),
                "tap on task w1@7/2-1 refused: the capability is not this plan's; DoGet the tickets of the"
                        + " coordinator's GetFlightInfo(PATH [pipeline, stage])");
    }

    private static void assertDenied(Runnable call, String message) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(SkeinException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PERMISSION_DENIED))
                .hasMessage(message);
    }
}
