package dev.skein.worker.sink;

import dev.skein.worker.duckdb.DuckDbSession;
import dev.skein.worker.duckdb.TableStore;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.BigIntVector;

/**
 * What a run of a pipeline keeps, in a worker's table database, to undo its commits into one table
 * there: a copy of the table as the run's first commit on this worker found it ({@code
 * skein_undo_<epoch>_<table>}), or, when that commit created the table, an empty marker ({@code
 * skein_new_<epoch>_<table>}). Epochs are unique across pipelines, so the names are unique per run
 * and table. Every sink task of the run on this worker that writes the table shares them: the
 * first commit keeps, later ones find it kept; the first undo puts the table back (removing every
 * commit of the run at once) and later ones find nothing left to do. The worker's plan thread runs
 * commits, undos and releases one at a time; each is one transaction.
 */
record TableUndo(String table, long epoch) {
    private static final Pattern NAME = Pattern.compile("skein_(?:undo|new)_([0-9]{1,19})_([A-Za-z_][A-Za-z0-9_]{0,62})");

    TableUndo {
        TableStore.quoted(table);
    }

    /** The undo that {@code name}, a table of the table database, belongs to, if it is one. */
    static Optional<TableUndo> of(String name) {
        Matcher matcher = NAME.matcher(name);
        return matcher.matches()
                ? Optional.of(new TableUndo(matcher.group(2), Long.parseLong(matcher.group(1))))
                : Optional.empty();
    }

    private String copy() {
        return "skein_undo_" + epoch + "_" + table;
    }

    private String created() {
        return "skein_new_" + epoch + "_" + table;
    }

    /** Names here are made of checked parts only. */
    private static String quoted(String name) {
        return '"' + name + '"';
    }

    /**
     * Inside a commit's open transaction, before its rows go in: keeps the table as it is (a copy,
     * or a marker if it does not exist), unless another task of the run on this worker did.
     */
    void keep(DuckDbSession session) throws Exception {
        if (exists(session, copy()) || exists(session, created())) {
            return;
        }
        session.execute(exists(session, table)
                ? "CREATE TABLE " + quoted(copy()) + " AS SELECT * FROM " + quoted(table)
                : "CREATE TABLE " + quoted(created()) + " (created BOOLEAN)");
    }

    /**
     * In one transaction: puts the table back as {@link #keep} found it (its rows exactly, or no
     * table) and drops what was kept. Does nothing once another task of the run did it.
     */
    void restore(DuckDbSession session) throws Exception {
        session.execute("BEGIN TRANSACTION");
        try {
            if (exists(session, copy())) {
                session.execute("DELETE FROM " + quoted(table));
                session.execute("INSERT INTO " + quoted(table) + " SELECT * FROM " + quoted(copy()));
                session.execute("DROP TABLE " + quoted(copy()));
            } else if (exists(session, created())) {
                session.execute("DROP TABLE IF EXISTS " + quoted(table));
                session.execute("DROP TABLE " + quoted(created()));
            }
            session.execute("COMMIT");
        } catch (Exception e) {
            session.execute("ROLLBACK");
            throw e;
        }
    }

    /** The run succeeded: drops what was kept. */
    void drop(DuckDbSession session) throws Exception {
        session.execute("DROP TABLE IF EXISTS " + quoted(copy()));
        session.execute("DROP TABLE IF EXISTS " + quoted(created()));
    }

    /** Whether table {@code name} exists, as the session's transaction sees it. */
    private static boolean exists(DuckDbSession session, String name) throws Exception {
        long[] count = {0};
        session.query("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main'"
                        + " AND lower(table_name) = lower('" + name + "')",
                1, batch -> count[0] = ((BigIntVector) batch.getVector(0)).get(0));
        return count[0] > 0;
    }

    @Override
    public String toString() {
        return "the undo of epoch " + epoch + " for table '" + table + "'";
    }
}
