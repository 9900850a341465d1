import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * Drives a PostgreSQL endpoint (Weft, or a reference PostgreSQL) with pgjdbc the way JDBC tools do:
 * metadata, server-prepared statements, cursor-based fetch, SQLSTATEs.
 *
 * Usage: java -cp postgresql.jar:. WeftJdbcCheck URL FACTS.properties
 * URL is postgresql://user:password@host:port/database (or a jdbc:postgresql: URL).
 * Exits 0 when every check passed, 1 with "FAILED: ..." on the first that did not.
 */
public final class WeftJdbcCheck {
  private static int passed = 0;

  private static final class CheckFailed extends RuntimeException {
    CheckFailed(String message) {
      super(message);
    }
  }

  public static void main(String[] args) {
    if (args.length != 2 && args.length != 3) {
      System.err.println("usage: WeftJdbcCheck URL FACTS.properties [VIRTUAL_FK]");
      System.exit(2);
    }
    try {
      run(args[0], loadFacts(args[1]), args.length > 2 ? args[2] : null);
      if (args.length > 2) System.out.println("checked the virtual foreign key " + args[2]);
      System.out.println("WeftJdbcCheck: " + passed + " checks passed");
    } catch (CheckFailed e) {
      System.err.println("FAILED: " + e.getMessage());
      System.exit(1);
    } catch (Exception e) {
      System.err.println("FAILED with an unexpected exception after " + passed + " checks:");
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static Properties loadFacts(String path) throws IOException {
    Properties facts = new Properties();
    try (Reader reader = Files.newBufferedReader(Paths.get(path), StandardCharsets.UTF_8)) {
      facts.load(reader);
    }
    return facts;
  }

  private static void check(boolean ok, String what) {
    if (!ok) throw new CheckFailed(what);
    passed++;
    System.out.println("ok: " + what);
  }

  private static void equal(Object expected, Object actual, String what) {
    if (!Objects.equals(expected, actual)) {
      throw new CheckFailed(what + ": expected <" + expected + "> but got <" + actual + ">");
    }
    passed++;
    System.out.println("ok: " + what + " = " + actual);
  }

  private static String fact(Properties facts, String key) {
    String value = facts.getProperty(key);
    if (value == null) throw new IllegalArgumentException("facts file has no " + key);
    return value;
  }

  /** postgresql://u:p@h:port/db -> jdbc URL plus user/password properties. */
  private static Connection connect(String url) throws SQLException {
    Properties props = new Properties();
    props.setProperty("prepareThreshold", "5");
    props.setProperty("ApplicationName", "WeftJdbcCheck");
    String jdbcUrl = url;
    if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
      URI uri = URI.create(url);
      String userInfo = uri.getUserInfo();
      if (userInfo != null) {
        int colon = userInfo.indexOf(':');
        props.setProperty("user", colon < 0 ? userInfo : userInfo.substring(0, colon));
        if (colon >= 0) props.setProperty("password", userInfo.substring(colon + 1));
      }
      int port = uri.getPort() < 0 ? 5432 : uri.getPort();
      jdbcUrl = "jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getRawPath();
    }
    return DriverManager.getConnection(jdbcUrl, props);
  }

  private static void run(String url, Properties facts, String virtualKey) throws SQLException {
    try (Connection conn = connect(url)) {
      DatabaseMetaData meta = conn.getMetaData();
      equal("PostgreSQL", meta.getDatabaseProductName(), "database product name");
      try (Statement st = conn.createStatement();
          ResultSet rs = st.executeQuery("select current_database()")) {
        check(rs.next(), "current_database() returns a row");
        equal(fact(facts, "database"), rs.getString(1), "current_database()");
      }

      checkSchemas(meta);
      checkTables(meta);
      checkColumns(meta, facts);
      checkKeys(meta);
      if (virtualKey != null) checkVirtualKey(meta, virtualKey);
      checkPreparedStatements(conn, facts);
      checkCursorFetch(conn, facts);
      checkErrors(conn);
    }
  }

  private static void checkSchemas(DatabaseMetaData meta) throws SQLException {
    List<String> schemas = new ArrayList<>();
    try (ResultSet rs = meta.getSchemas()) {
      while (rs.next()) schemas.add(rs.getString("TABLE_SCHEM"));
    }
    check(schemas.contains("hr"), "getSchemas() lists hr: " + schemas);
    check(schemas.contains("crm"), "getSchemas() lists crm: " + schemas);
  }

  private static void checkTables(DatabaseMetaData meta) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (ResultSet rs = meta.getTables(null, "hr", "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        equal("hr", rs.getString("TABLE_SCHEM"), "getTables TABLE_SCHEM of " + rs.getString("TABLE_NAME"));
        equal("TABLE", rs.getString("TABLE_TYPE"), "getTables TABLE_TYPE of " + rs.getString("TABLE_NAME"));
        tables.add(rs.getString("TABLE_NAME"));
      }
    }
    equal(Arrays.asList("departments", "employees", "todo"), tables, "getTables(hr, %, TABLE)");
  }

  private static void checkColumns(DatabaseMetaData meta, Properties facts) throws SQLException {
    List<String> names = new ArrayList<>();
    boolean sawEmpNo = false, sawSalary = false, sawBirthDate = false, sawEmail = false;
    try (ResultSet rs = meta.getColumns(null, "hr", "employees", "%")) {
      while (rs.next()) {
        String name = rs.getString("COLUMN_NAME");
        names.add(name);
        equal(names.size(), rs.getInt("ORDINAL_POSITION"), "ORDINAL_POSITION of " + name);
        switch (name) {
          case "emp_no":
            sawEmpNo = true;
            // SQLite INTEGER is 64-bit: a bigint column
            equal("int8", rs.getString("TYPE_NAME"), "emp_no TYPE_NAME");
            equal(Types.BIGINT, rs.getInt("DATA_TYPE"), "emp_no DATA_TYPE (Types.BIGINT)");
            equal(DatabaseMetaData.columnNoNulls, rs.getInt("NULLABLE"), "emp_no NULLABLE (columnNoNulls)");
            equal("NO", rs.getString("IS_NULLABLE"), "emp_no IS_NULLABLE");
            break;
          case "salary":
            sawSalary = true;
            equal("numeric", rs.getString("TYPE_NAME"), "salary TYPE_NAME");
            equal(Types.NUMERIC, rs.getInt("DATA_TYPE"), "salary DATA_TYPE (Types.NUMERIC)");
            equal(10, rs.getInt("COLUMN_SIZE"), "salary COLUMN_SIZE (precision)");
            equal(2, rs.getInt("DECIMAL_DIGITS"), "salary DECIMAL_DIGITS (scale)");
            break;
          case "birth_date":
            sawBirthDate = true;
            equal("date", rs.getString("TYPE_NAME"), "birth_date TYPE_NAME");
            equal(Types.DATE, rs.getInt("DATA_TYPE"), "birth_date DATA_TYPE (Types.DATE)");
            break;
          case "email":
            sawEmail = true;
            equal(DatabaseMetaData.columnNullable, rs.getInt("NULLABLE"), "email NULLABLE (columnNullable)");
            equal("YES", rs.getString("IS_NULLABLE"), "email IS_NULLABLE");
            break;
          default:
            break;
        }
      }
    }
    check(sawEmpNo && sawSalary && sawBirthDate && sawEmail, "getColumns saw emp_no, salary, birth_date, email");
    equal(Arrays.asList(fact(facts, "employeeColumns").split(",")), names, "getColumns(hr.employees) in order");
  }

  private static void checkKeys(DatabaseMetaData meta) throws SQLException {
    List<String> pk = new ArrayList<>();
    try (ResultSet rs = meta.getPrimaryKeys(null, "hr", "employees")) {
      while (rs.next()) {
        pk.add(rs.getString("COLUMN_NAME"));
        equal(pk.size(), rs.getInt("KEY_SEQ"), "getPrimaryKeys KEY_SEQ");
      }
    }
    equal(Arrays.asList("emp_no"), pk, "getPrimaryKeys(hr.employees)");

    List<String> imported = new ArrayList<>();
    boolean foundDeptFk = false;
    try (ResultSet rs = meta.getImportedKeys(null, "hr", "employees")) {
      while (rs.next()) {
        String fk =
            rs.getString("FKTABLE_SCHEM") + "." + rs.getString("FKTABLE_NAME") + "(" + rs.getString("FKCOLUMN_NAME")
                + ") -> " + rs.getString("PKTABLE_SCHEM") + "." + rs.getString("PKTABLE_NAME") + "("
                + rs.getString("PKCOLUMN_NAME") + ")";
        imported.add(fk);
        if (fk.equals("hr.employees(dept_no) -> hr.departments(dept_no)")) {
          foundDeptFk = true;
          equal(1, rs.getInt("KEY_SEQ"), "dept FK KEY_SEQ");
          check(rs.getString("FK_NAME") != null && !rs.getString("FK_NAME").isEmpty(), "dept FK has a FK_NAME");
        }
      }
    }
    check(foundDeptFk, "getImportedKeys(hr.employees) has the FK to hr.departments: " + imported);
  }

  /**
   * A virtual relationship published as a foreign key: "name|fkSchema.fkTable(col) -> pkSchema.pkTable(col)"
   * must be among the imported keys of the child table and the exported keys of the parent.
   */
  private static void checkVirtualKey(DatabaseMetaData meta, String expected) throws SQLException {
    String[] parts = expected.split("\\|", 2);
    String name = parts[0];
    String key = parts[1];
    String child = key.substring(0, key.indexOf('('));
    String parent = key.substring(key.indexOf("-> ") + 3, key.lastIndexOf('('));
    equal(key, findKey(meta.getImportedKeys(null, schemaOf(child), tableOf(child)), name),
        "getImportedKeys(" + child + ") has the virtual foreign key " + name);
    equal(key, findKey(meta.getExportedKeys(null, schemaOf(parent), tableOf(parent)), name),
        "getExportedKeys(" + parent + ") has the virtual foreign key " + name);
  }

  private static String schemaOf(String qualified) {
    return qualified.substring(0, qualified.indexOf('.'));
  }

  private static String tableOf(String qualified) {
    return qualified.substring(qualified.indexOf('.') + 1);
  }

  /** The key named `name` as "fkSchema.fkTable(col) -> pkSchema.pkTable(col)", or every key seen. */
  private static String findKey(ResultSet rs, String name) throws SQLException {
    List<String> seen = new ArrayList<>();
    try (rs) {
      while (rs.next()) {
        String fk =
            rs.getString("FKTABLE_SCHEM") + "." + rs.getString("FKTABLE_NAME") + "(" + rs.getString("FKCOLUMN_NAME")
                + ") -> " + rs.getString("PKTABLE_SCHEM") + "." + rs.getString("PKTABLE_NAME") + "("
                + rs.getString("PKCOLUMN_NAME") + ")";
        if (name.equals(rs.getString("FK_NAME"))) return fk;
        seen.add(rs.getString("FK_NAME") + ": " + fk);
      }
    }
    return "not found among " + seen;
  }

  private static void checkPreparedStatements(Connection conn, Properties facts) throws SQLException {
    int samples = Integer.parseInt(fact(facts, "samples"));
    check(samples >= 10, "facts have at least 10 sample employees");
    try (PreparedStatement ps = conn.prepareStatement("select first_name from hr.employees where emp_no = ?")) {
      for (int i = 0; i < 10; i++) {
        long empNo = Long.parseLong(fact(facts, "sample." + i + ".emp_no"));
        ps.setLong(1, empNo);
        try (ResultSet rs = ps.executeQuery()) {
          check(rs.next(), "execution " + (i + 1) + ": a row for emp_no " + empNo);
          equal(fact(facts, "sample." + i + ".first_name"), rs.getString(1), "first_name of " + empNo);
          check(!rs.next(), "execution " + (i + 1) + ": exactly one row");
        }
      }
      check(ps.unwrap(org.postgresql.PGStatement.class).isUseServerPrepare(),
          "pgjdbc switched to a server-prepared statement after prepareThreshold=5");
    }

    // Binary results (pgjdbc receives int8, date and numeric in binary once server-prepared).
    try (PreparedStatement ps =
        conn.prepareStatement("select emp_no, birth_date, salary from hr.employees where emp_no = ?")) {
      for (int i = 0; i < 10; i++) {
        long empNo = Long.parseLong(fact(facts, "sample." + i + ".emp_no"));
        ps.setLong(1, empNo);
        try (ResultSet rs = ps.executeQuery()) {
          check(rs.next(), "typed execution " + (i + 1) + ": a row for emp_no " + empNo);
          equal(empNo, rs.getLong(1), "emp_no");
          equal(LocalDate.parse(fact(facts, "sample." + i + ".birth_date")), rs.getObject(2, LocalDate.class),
              "birth_date of " + empNo);
          String salary = facts.getProperty("sample." + i + ".salary");
          BigDecimal actual = rs.getBigDecimal(3);
          equal(salary, actual == null ? null : actual.toPlainString(), "salary of " + empNo);
          check(!rs.next(), "typed execution " + (i + 1) + ": exactly one row");
        }
      }
    }
  }

  private static void checkCursorFetch(Connection conn, Properties facts) throws SQLException {
    conn.setAutoCommit(false);
    long count = 0;
    long sum = 0;
    long first = -1;
    long previous = Long.MIN_VALUE;
    try (Statement st = conn.createStatement()) {
      st.setFetchSize(100);
      try (ResultSet rs = st.executeQuery("select emp_no, first_name from hr.employees order by emp_no")) {
        equal(100, rs.getFetchSize(), "result set fetch size");
        while (rs.next()) {
          long empNo = rs.getLong(1);
          if (first < 0) first = empNo;
          if (empNo <= previous) throw new CheckFailed("emp_no not increasing: " + previous + " then " + empNo);
          if (rs.getString(2) == null) throw new CheckFailed("first_name null for " + empNo);
          previous = empNo;
          count++;
          sum += empNo;
        }
      }
    }
    conn.commit();
    conn.setAutoCommit(true);
    equal(Long.parseLong(fact(facts, "employeeCount")), count, "rows read with fetchSize 100");
    equal(Long.parseLong(fact(facts, "empNoSum")), sum, "sum of emp_no read with fetchSize 100");
    equal(Long.parseLong(fact(facts, "minEmpNo")), first, "first emp_no");
    equal(Long.parseLong(fact(facts, "maxEmpNo")), previous, "last emp_no");
  }

  private static void checkErrors(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement()) {
      try {
        st.executeQuery("select nope from hr.employees").close();
        throw new CheckFailed("select nope from hr.employees succeeded");
      } catch (SQLException e) {
        equal("42703", e.getSQLState(), "SQLState of an unknown column (" + e.getMessage() + ")");
      }
      try (ResultSet rs = st.executeQuery("select count(*) from hr.departments")) {
        check(rs.next(), "the connection still answers after an error");
      }
    }
  }
}
