package dev.skein.worker.exchange;

import java.util.function.BooleanSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/** Opens the channel from one sending task to one target: local when the target runs here, Flight otherwise. */
@FunctionalInterface
public interface ChannelOpener {
    /**
     * @param target the receiving task
     * @param from the sending task's index, as the receiver's plan expects it
     * @param schema the schema of every batch that will be sent
     * @param allocator the sending task's allocator
     * @param token the plan's exchange token, the receiver's proof that the sender is in the plan
     * @param cancelled polled while waiting for the receiver, so a cancelled task stops waiting
     */
    OutputChannel open(
            TaskAddress target,
            int from,
            Schema schema,
            BufferAllocator allocator,
            String token,
            BooleanSupplier cancelled);
}
