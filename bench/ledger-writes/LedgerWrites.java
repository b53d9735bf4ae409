import java.lang.management.ManagementFactory;
import java.nio.file.*;
import java.sql.*;
import java.time.OffsetDateTime;
import java.util.*;

/**
 * The ledger's writes alone on an H2 file, as one writer thread runs them: each session is
 * inserted (OPENING) and updated three times (ACTIVE, ENDING, ENDED), each write with its
 * history row and a savepoint, the live count of its client changed at open and end, and
 * {@code group} writes of mixed kinds share a commit, as group commits do under load. Prints
 * the writer thread's CPU time and allocation per session (both far less disturbed by a
 * shared, noisy machine than a rate), and the file's size at the end.
 * Arguments: URL settings (";PAGE_SIZE=4096"; "" as shipped), sessions to warm up, sessions
 * measured, writes per commit, and optionally a SQL script run after the migrations.
 */
public class LedgerWrites {
  public static void main(String[] a) throws Exception {
    String extra = a.length > 0 ? a[0] : "";
    int warm = Integer.parseInt(a.length > 1 ? a[1] : "20000"), measured = Integer.parseInt(a.length > 2 ? a[2] : "40000");
    int group = Integer.parseInt(a.length > 3 ? a[3] : "16");
    String dropFile = a.length > 4 ? a[4] : null;
    Path dir = Files.createTempDirectory("ledger-writes");
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir + "/db;WRITE_DELAY=0" + extra, "sa", "")) {
      List<Path> files = new ArrayList<>();
      try (var s = Files.list(Path.of("src/main/resources/db/migration"))) { s.forEach(files::add); }
      files.sort(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().replaceAll("^V(\\d+)__.*", "$1"))));
      if (dropFile != null) files.add(Path.of(dropFile));
      for (Path f : files) try (Statement st = c.createStatement()) { st.execute("runscript from '" + f + "'"); }
      try (Statement st = c.createStatement()) { st.execute("insert into client_usage (client, provider, live, tokens, refilled_at) values ('bench','pathors', 0, 0, current_timestamp)"); } catch (SQLException e) { System.err.println("usage row: " + e.getMessage()); }
      c.setAutoCommit(false);
      var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long tid = Thread.currentThread().threadId();
      run(c, warm, group, 0);
      long cpu0 = bean.getCurrentThreadCpuTime(), alloc0 = bean.getThreadAllocatedBytes(tid), t0 = System.nanoTime();
      run(c, measured, group, warm);
      long cpu = bean.getCurrentThreadCpuTime() - cpu0, alloc = bean.getThreadAllocatedBytes(tid) - alloc0, wall = System.nanoTime() - t0;
      long size = Files.size(dir.resolve("db.mv.db"));
      System.out.printf("%-40s cpu/session %6.1f us  alloc/session %7.1f KB  wall/session %6.1f us  file %d MB%n",
          (extra.isEmpty() ? "as shipped" : extra) + (dropFile != null ? ", " + Path.of(dropFile).getFileName() : ""), cpu / 1e3 / measured, alloc / 1024.0 / measured, wall / 1e3 / measured, size >> 20);
    }
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach((f) -> f.toFile().delete());
    }
  }

  static final String INSERT = "insert into tracked_session (provider, scope, session_id, live_key, status, client, created_at, updated_at, last_checked_at, attempts, version) values ('pathors', 'proj-a', ?, ?, 'OPENING', 'bench', ?, ?, ?, 0, 0)";
  static final String UPDATE = "update tracked_session set status = ?, updated_at = ?, agent = ?, next_attempt_at = ?, ended_at = ?, end_reason = ?, live_key = ?, expires_at = ?, attempts = ?, last_error = ?, last_checked_at = ?, version = version + 1 where id = ? and version = ?";
  static final String HISTORY = "insert into session_transition (session_ref, from_status, to_status, at, actor, reason, detail) values (?, ?, ?, ?, ?, ?, ?)";
  static final String USAGE = "update client_usage set live = live + ? where client = 'bench' and provider = 'pathors'";

  /** Sessions pass through four writes; each commit holds `group` writes of mixed kinds, as group commits do. */
  static void run(Connection c, int sessions, int group, int offset) throws SQLException {
    long[] ids = new long[sessions];
    int[] step = new int[sessions];
    int next = 0, done = 0, units = 0;
    ArrayDeque<Integer> inFlight = new ArrayDeque<>();
    while (done < sessions) {
      // a group: new sessions and steps of earlier ones, interleaved
      for (int u = 0; u < group && done < sessions; u++) {
        Savepoint sp = c.setSavepoint();
        if ((u % 4 == 0 || inFlight.isEmpty()) && next < sessions) {
          int i = next++;
          ids[i] = insert(c, offset + i);
          history(c, ids[i], null, "OPENING");
          usage(c, 1);
          step[i] = 1; inFlight.add(i);
        } else {
          int i = inFlight.poll();
          String[] st = {null, "ACTIVE", "ENDING", "ENDED"};
          update(c, ids[i], step[i], st[step[i]], offset + i);
          history(c, ids[i], step[i] == 1 ? "OPENING" : st[step[i] - 1], st[step[i]]);
          if (step[i] == 3) { usage(c, -1); done++; } else { step[i]++; inFlight.add(i); }
        }
        c.releaseSavepoint(sp);
      }
      c.commit();
    }
  }

  static OffsetDateTime now() { return OffsetDateTime.now(); }

  static long insert(Connection c, int n) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(INSERT, new String[] {"id"})) {
      p.setString(1, "m-" + n); p.setString(2, "pathors/proj-a/m-" + n);
      p.setObject(3, now()); p.setObject(4, now()); p.setObject(5, now());
      p.executeUpdate();
      try (ResultSet k = p.getGeneratedKeys()) { k.next(); return k.getLong(1); }
    }
  }

  static void update(Connection c, long id, int version, String status, int n) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(UPDATE)) {
      boolean ended = status.equals("ENDED");
      p.setString(1, status); p.setObject(2, now()); p.setString(3, "pw_x");
      p.setObject(4, status.equals("ENDING") ? now().plusSeconds(30) : null);
      p.setObject(5, ended ? now() : null); p.setString(6, ended ? "CLIENT" : null);
      p.setString(7, ended ? null : "pathors/proj-a/m-" + n); p.setObject(8, null);
      p.setInt(9, 0); p.setString(10, null); p.setObject(11, now());
      p.setLong(12, id); p.setLong(13, version - 1);
      if (p.executeUpdate() != 1) throw new IllegalStateException("version");
    }
  }

  static void history(Connection c, long id, String from, String to) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(HISTORY)) {
      p.setLong(1, id); p.setString(2, from); p.setString(3, to); p.setObject(4, now());
      p.setString(5, "bench"); p.setString(6, null); p.setString(7, null);
      p.executeUpdate();
    }
  }

  static void usage(Connection c, int delta) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(USAGE)) { p.setInt(1, delta); p.executeUpdate(); }
  }
}
