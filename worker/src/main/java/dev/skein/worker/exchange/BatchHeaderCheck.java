package dev.skein.worker.exchange;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.vector.BufferLayout;
import org.apache.arrow.vector.TypeLayout;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.message.ArrowBuffer;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Checks a record batch's IPC header against its body and its schema before Arrow loads it.
 * Arrow's loader trusts the header: a batch that claims 20M rows over a 16-byte body is "loaded" by
 * reallocating its vectors to 20M rows (NULLs, or whatever the new memory holds), and a buffer the
 * header places past the body becomes a view of memory that is not the body. Here every buffer must
 * lie inside the body, every column must be as long as the batch, and every validity, offset and
 * fixed-width data buffer must be large enough for its column's length. Offsets within variable-width
 * data are checked after loading ({@link BatchValidation}).
 */
public final class BatchHeaderCheck {
    private BatchHeaderCheck() {}

    /**
     * @param bodyBytes the size of the message body the buffers were cut from
     * @throws SkeinException INVALID_ARGUMENT naming the first contradiction
     */
    public static void check(Schema schema, ArrowRecordBatch batch, long bodyBytes) {
        if (batch.getBodyCompression().getCodec() != CompressionUtil.CodecType.NO_COMPRESSION.getType()) {
            throw invalid("compressed IPC bodies are not accepted");
        }
        List<ArrowBuffer> layout = batch.getBuffersLayout();
        for (int i = 0; i < layout.size(); i++) {
            ArrowBuffer buffer = layout.get(i);
            if (buffer.getOffset() < 0 || buffer.getSize() < 0 || buffer.getOffset() + buffer.getSize() > bodyBytes) {
                throw invalid("buffer " + i + " (" + buffer.getSize() + " bytes at offset " + buffer.getOffset()
                        + ") lies outside the " + bodyBytes + "-byte body");
            }
        }
        Iterator<ArrowFieldNode> nodes = batch.getNodes().iterator();
        Iterator<ArrowBuffer> buffers = layout.iterator();
        for (Field field : schema.getFields()) {
            ArrowFieldNode node = next(nodes, field);
            if (node.getLength() < batch.getLength()) {
                throw invalid("column '" + field.getName() + "' has " + node.getLength() + " values, but the batch"
                        + " claims " + batch.getLength() + " rows");
            }
            checkField(field, node, nodes, buffers);
        }
        if (nodes.hasNext() || buffers.hasNext()) {
            throw invalid("the batch has more columns or buffers than its schema");
        }
    }

    private static void checkField(Field field, ArrowFieldNode node, Iterator<ArrowFieldNode> nodes,
            Iterator<ArrowBuffer> buffers) {
        long length = node.getLength();
        if (length < 0 || node.getNullCount() < 0 || node.getNullCount() > length) {
            throw invalid("column '" + field.getName() + "' has " + length + " values and " + node.getNullCount()
                    + " nulls");
        }
        if (field.getDictionary() != null) {
            throw invalid("column '" + field.getName() + "' is dictionary-encoded, which is not accepted");
        }
        TypeLayout typeLayout = TypeLayout.getTypeLayout(field.getType());
        boolean variableWidth = typeLayout.getBufferLayouts().stream()
                .anyMatch(buffer -> buffer.getType() == BufferLayout.BufferType.OFFSET);
        if (typeLayout.getBufferLayouts().stream()
                .anyMatch(buffer -> buffer.getType() == BufferLayout.BufferType.VIEWS)) {
            throw invalid("column '" + field.getName() + "' has type " + field.getType() + ", which is not accepted");
        }
        for (BufferLayout expected : typeLayout.getBufferLayouts()) {
            if (!buffers.hasNext()) {
                throw invalid("column '" + field.getName() + "' is missing its " + expected.getType() + " buffer");
            }
            long size = buffers.next().getSize();
            long needed = switch (expected.getType()) {
                case VALIDITY -> node.getNullCount() == 0 || node.getNullCount() == length ? 0 : (length + 7) / 8;
                case OFFSET -> length == 0 ? 0 : (length + 1) * expected.getTypeBitWidth() / 8;
                case DATA -> variableWidth ? 0 : (length * expected.getTypeBitWidth() + 7) / 8;
                default -> (length * expected.getTypeBitWidth() + 7) / 8;
            };
            if (size < needed) {
                throw invalid("column '" + field.getName() + "' claims " + length + " values, but its "
                        + expected.getType() + " buffer holds " + size + " bytes (" + needed + " needed)");
            }
        }
        for (Field child : field.getChildren()) {
            checkField(child, next(nodes, child), nodes, buffers);
        }
    }

    private static ArrowFieldNode next(Iterator<ArrowFieldNode> nodes, Field field) {
        if (!nodes.hasNext()) {
            throw invalid("the batch has no values for column '" + field.getName() + "'");
        }
        return nodes.next();
    }

    private static SkeinException invalid(String problem) {
        return new SkeinException(ErrorCode.INVALID_ARGUMENT, "malformed record batch header: " + problem);
    }
}
