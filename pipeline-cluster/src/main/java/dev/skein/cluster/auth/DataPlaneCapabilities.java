package dev.skein.cluster.auth;

import static java.util.Objects.requireNonNull;

import dev.skein.cluster.TaskKey;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks the capabilities of the data plane: the value a {@code DoExchange}, an ingest
 * {@code DoPut} or a tap {@code DoGet} must present to reach a task. A capability is an
 * HMAC-SHA256 over what it grants (the call's kind, pipeline, epoch, stage, task index and, for an
 * exchange, the sending task's index), keyed by the plan's exchange token (128 random bits, new for
 * every epoch, readable only by the nodes in ZooKeeper); under {@code --auth} that key is itself
 * signed with the cluster key, so not even a ZooKeeper reader without the secret can make one.
 * Workers issue exchange capabilities for their own edges; the coordinator issues tap and ingest
 * capabilities in the tickets of its {@code GetFlightInfo} endpoints. Immutable and thread-safe.
 */
public final class DataPlaneCapabilities {
    /** What a capability grants. */
    public enum Kind {
        EXCHANGE("exchange into"),
        INGEST("ingest into"),
        TAP("tap on");

        private final String action;

        Kind(String action) {
            this.action = action;
        }
    }

    private static final String ALGORITHM = "HmacSHA256";

    private final Optional<ClusterKey> key;

    private DataPlaneCapabilities(Optional<ClusterKey> key) {
        this.key = key;
    }

    /** Signed with the cluster key when {@code auth} has one; with the plan's token alone otherwise. */
    public static DataPlaneCapabilities of(AuthConfig auth) {
        return new DataPlaneCapabilities(requireNonNull(auth, "auth is null").key());
    }

    /**
     * The capability for {@code kind} on {@code task} of the plan whose exchange token is {@code
     * planToken}; {@code from} is the sending task for an exchange, -1 otherwise.
     */
    public String issue(String planToken, Kind kind, TaskKey task, int from) {
        requireNonNull(planToken, "planToken is null");
        byte[] claim = (kind.name() + "\n" + task.pipeline() + "\n" + task.epoch() + "\n" + task.stage() + "\n"
                        + task.index() + "\n" + from)
                .getBytes(StandardCharsets.UTF_8);
        byte[] token = planToken.getBytes(StandardCharsets.UTF_8);
        byte[] planKey = key.map(clusterKey -> clusterKey.signCapability(token)).orElse(token);
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(ClusterKey.hmac(new SecretKeySpec(planKey, ALGORITHM), claim));
    }

    /**
     * Refuses a call whose {@code presented} capability (null when the call carried none) is not
     * the one {@link #issue} makes for it, comparing in constant time.
     *
     * @throws SkeinException PERMISSION_DENIED, naming the task and what to do instead
     */
    public void check(String planToken, Kind kind, TaskKey task, int from, String presented) {
        if (presented == null || presented.isEmpty()) {
            throw new SkeinException(ErrorCode.PERMISSION_DENIED, kind.action + " task " + task + " refused: the call"
                    + " carries no capability; " + remedy(kind));
        }
        byte[] expected = issue(planToken, kind, task, from).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8))) {
            throw new SkeinException(ErrorCode.PERMISSION_DENIED, kind.action + " task " + task + " refused: the"
                    + " capability is not this plan's; " + remedy(kind));
        }
    }

    private static String remedy(Kind kind) {
        return switch (kind) {
            case EXCHANGE -> "only the plan's own tasks may send to it";
            case INGEST -> "DoPut with the ticket of the coordinator's GetFlightInfo(PATH [pipeline, \"ingest\"])"
                    + " as the descriptor's command";
            case TAP -> "DoGet the tickets of the coordinator's GetFlightInfo(PATH [pipeline, stage])";
        };
    }

    @Override
    public String toString() {
        return "DataPlaneCapabilities[" + (key.isPresent() ? "cluster key" : "plan token") + "]";
    }
}
