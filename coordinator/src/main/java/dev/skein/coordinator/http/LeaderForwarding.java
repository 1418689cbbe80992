package dev.skein.coordinator.http;

import dev.skein.cluster.LeaderTerm;
import dev.skein.cluster.ZkLeadership;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * On a coordinator that does not lead, a call that changes something (submit, cancel,
 * finish-ingest) is forwarded to the leader named in ZooKeeper and its answer relayed, so a client
 * may send anything to any coordinator. A forwarded call is never forwarded again: a coordinator
 * that receives one without leading (the leader just changed) answers 503 NOT_LEADER, and the
 * client tries again or another address. Reads never come here: every coordinator serves them
 * from ZooKeeper.
 */
final class LeaderForwarding {
    /** Marks a forwarded call, with the id of the coordinator that forwarded it. */
    static final String FORWARDED_BY = "X-Skein-Forwarded-By";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** A submit binds every stage's SQL on the leader: allow it time. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final ZkLeadership leadership;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    LeaderForwarding(ZkLeadership leadership) {
        this.leadership = leadership;
    }

    /**
     * Forwards the call to the leader and relays its answer, unless this coordinator leads.
     *
     * @return true if the call was forwarded (its answer is set), false if this node handles it
     * @throws SkeinException NOT_LEADER if no coordinator leads now or the leader cannot be reached
     */
    boolean forwarded(Context ctx) throws InterruptedException {
        if (leadership.isLeader()) {
            return false;
        }
        String self = leadership.participantId();
        if (ctx.header(FORWARDED_BY) != null) {
            throw new SkeinException(ErrorCode.NOT_LEADER, "coordinator '" + self + "' does not lead (any more);"
                    + " coordinator '" + ctx.header(FORWARDED_BY) + "' forwarded this call here; try again");
        }
        Optional<LeaderTerm> leader = leadership.leader();
        if (leader.isEmpty() || leader.get().coordinatorId().equals(self)) {
            throw new SkeinException(ErrorCode.NOT_LEADER, "coordinator '" + self
                    + "' does not lead and no coordinator leads at the moment (an election is under way); try again");
        }
        String query = ctx.queryString() == null ? "" : "?" + ctx.queryString();
        URI target = URI.create(leader.get().restUrl() + ctx.path() + query);
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .timeout(CALL_TIMEOUT)
                .header(FORWARDED_BY, self)
                .method(ctx.method().name(), HttpRequest.BodyPublishers.ofByteArray(ctx.bodyAsBytes()));
        for (String header : new String[] {"Authorization", "Content-Type"}) {
            Optional.ofNullable(ctx.header(header)).ifPresent(value -> request.header(header, value));
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.NOT_LEADER, "coordinator '" + self + "' does not lead and cannot reach"
                    + " the leader '" + leader.get().coordinatorId() + "' at " + leader.get().restUrl() + ": " + e, e);
        }
        ctx.status(response.statusCode());
        response.headers().firstValue("Content-Type").ifPresent(ctx::contentType);
        response.headers().firstValue("WWW-Authenticate").ifPresent(value -> ctx.header("WWW-Authenticate", value));
        ctx.result(response.body());
        return true;
    }
}
