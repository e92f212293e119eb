package rsn.neo4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.kernel.impl.security.User;
import org.neo4j.logging.Level;
import org.neo4j.logging.NullLogProvider;
import org.neo4j.logging.log4j.Log4jLogProvider;
import org.neo4j.memory.EmptyMemoryTracker;
import org.neo4j.server.security.SecureHasher;
import org.neo4j.server.security.SystemGraphCredential;
import org.neo4j.server.security.auth.CommunitySecurityModule;
import org.neo4j.server.security.auth.FileUserRepository;

/**
 * Runs an embedded Neo4j Community DBMS with a plain (unencrypted) Bolt connector on loopback
 * and authentication enabled, for local development and tests of rsn.
 *
 * <pre>
 * java [jvm flags] -cp target/classes:target/lib/* rsn.neo4j.LocalNeo4j \
 *      --home DIR [--port 7687] [--host 127.0.0.1] [--password PW] [--set key=value]...
 * </pre>
 *
 * The password comes from --password or, better (not visible in ps), the environment variable
 * NEO4J_PASSWORD. Extra settings: optional file HOME/conf/neo4j.conf, then --set key=value
 * (later wins). The effective settings are written to HOME/conf/effective.conf.
 * Prints "RSN-NEO4J READY bolt://host:port" once Bolt accepts connections.
 * Exit codes: 0 clean shutdown, 1 start-up failure, 2 usage error, 3 port in use.
 */
public final class LocalNeo4j {
    static final String USER = "neo4j";

    public static void main(String[] args) {
        Path home = null;
        String host = "127.0.0.1";
        int port = 7687;
        String password = System.getenv("NEO4J_PASSWORD");
        Map<String, String> extra = new LinkedHashMap<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--home" -> home = Path.of(args[++i]).toAbsolutePath().normalize();
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--host" -> host = args[++i];
                    case "--password" -> password = args[++i];
                    case "--set" -> {
                        String kv = args[++i];
                        int eq = kv.indexOf('=');
                        if (eq <= 0) throw new IllegalArgumentException("--set needs key=value, got " + kv);
                        extra.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + a);
                }
            }
            if (home == null) throw new IllegalArgumentException("--home is required");
            if (password == null || password.isEmpty())
                throw new IllegalArgumentException("no password: pass --password or set NEO4J_PASSWORD");
            if (password.length() < 8 || password.equals("neo4j"))
                throw new IllegalArgumentException("password must have at least 8 characters and not be 'neo4j'");
        } catch (RuntimeException e) {
            fail(2, "usage error: " + e.getMessage());
            return;
        }

        if (!portFree(host, port)) {
            fail(3, "port " + host + ":" + port + " is already in use; pick another port or stop what runs there");
            return;
        }

        DatabaseManagementService dbms;
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(home.resolve("conf"));
            Path conf = writeEffectiveConfig(home, host, port, extra);
            if (!Files.exists(home.resolve("data/databases/system"))) {
                writeInitialPassword(home, password); // same as neo4j-admin dbms set-initial-password
            }
            dbms = new DatabaseManagementServiceBuilder(home)
                    .setUserLogProvider(new Log4jLogProvider(System.out, Level.INFO))
                    .loadPropertiesFromFile(conf)
                    .build();
        } catch (Throwable e) {
            e.printStackTrace();
            fail(portFree(host, port) ? 1 : 3, "Neo4j failed to start: " + rootMessage(e));
            return;
        }

        final DatabaseManagementService service = dbms;
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("RSN-NEO4J stopping");
            try {
                service.shutdown();
            } catch (Throwable t) {
                t.printStackTrace();
            }
            System.out.println("RSN-NEO4J stopped");
            System.out.flush();
            stopped.countDown();
        }, "rsn-neo4j-shutdown"));

        try {
            ensurePassword(service, password);
            Files.deleteIfExists(initialUserFile(home)); // consumed; do not leave a hash lying around
            GraphDatabaseService db = service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            if (!db.isAvailable(120_000)) throw new IllegalStateException("default database not available");
            waitForBolt(host, port, 60_000);
        } catch (Throwable e) {
            e.printStackTrace();
            fail(1, "Neo4j started but is not usable: " + rootMessage(e));
            return; // shutdown hook stops the DBMS
        }

        System.out.printf("RSN-NEO4J READY bolt://%s:%d (Neo4j %s, user %s, started in %.1f s)%n",
                host, port, neo4jVersion(), USER, (System.nanoTime() - t0) / 1e9);
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }

    /** Defaults, then HOME/conf/neo4j.conf, then --set values; written as one properties file. */
    static Path writeEffectiveConfig(Path home, String host, int port, Map<String, String> extra)
            throws IOException {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("dbms.security.auth_enabled", "true");
        s.put("server.bolt.enabled", "true");
        s.put("server.bolt.listen_address", host + ":" + port);
        s.put("server.bolt.advertised_address", host + ":" + port);
        s.put("server.bolt.tls_level", "DISABLED");
        s.put("server.http.enabled", "false");
        s.put("server.https.enabled", "false");
        s.put("server.memory.pagecache.size", "256m");
        s.put("dbms.usage_report.enabled", "false");
        // Logs older than the last checkpoint are not needed to recover; keep 1 GB of them, not
        // the default two days (a day of benchmark loads leaves many GB behind).
        s.put("db.tx_log.rotation.retention_policy", "1G size");
        // Bolt's netty event loops otherwise wait a 5 s quiet period twice on shutdown.
        s.put("internal.dbms.bolt.netty_server_shutdown_quiet_period", "0");
        Path user = home.resolve("conf/neo4j.conf");
        if (Files.exists(user)) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(user)) {
                p.load(in);
            }
            for (String k : p.stringPropertyNames()) s.put(k, p.getProperty(k).trim());
        }
        s.putAll(extra);
        StringBuilder sb = new StringBuilder("# generated by rsn.neo4j.LocalNeo4j at each start; edit conf/neo4j.conf instead\n");
        s.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Path out = home.resolve("conf/effective.conf");
        Files.writeString(out, sb.toString(), StandardCharsets.UTF_8);
        return out;
    }

    /** Writes data/dbms/auth.ini, read once when the system database is first created. */
    static void writeInitialPassword(Path home, String password) throws Exception {
        Path file = initialUserFile(home);
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        try (DefaultFileSystemAbstraction fs = new DefaultFileSystemAbstraction()) {
            FileUserRepository repo = new FileUserRepository(fs, file, NullLogProvider.getInstance(),
                    EmptyMemoryTracker.INSTANCE);
            repo.start();
            SystemGraphCredential cred = SystemGraphCredential.createCredentialForPassword(
                    password.getBytes(StandardCharsets.UTF_8), new SecureHasher());
            repo.create(new User(USER, null, cred, false, false));
            repo.shutdown();
        }
    }

    static Path initialUserFile(Path home) {
        Config config = Config.newBuilder().set(GraphDatabaseSettings.neo4j_home, home).build();
        return CommunitySecurityModule.getInitialUserRepositoryFile(config);
    }

    /** Makes the stored password of user neo4j equal to the given one, without forced change. */
    static void ensurePassword(DatabaseManagementService dbms, String password) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        if (passwordAlreadySet(system, password)) return; // saves a cold Cypher query (seconds)
        System.out.println("RSN-NEO4J setting the password of user neo4j");
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PLAINTEXT PASSWORD $p CHANGE NOT REQUIRED", Map.of("p", password));
        } catch (RuntimeException e) {
            // Neo4j refuses to "change" a password to the value it already has: that is what we want.
            String m = String.valueOf(rootMessage(e)).toLowerCase();
            if (!(m.contains("old password") && m.contains("same"))) throw e;
        }
    }

    /** Reads the user node of the system graph; any surprise means "no" (then Cypher sets it). */
    static boolean passwordAlreadySet(GraphDatabaseService system, String password) {
        try (Transaction tx = system.beginTx()) {
            Node user = tx.findNode(Label.label("User"), "name", USER);
            if (user == null) return false;
            if (!Boolean.FALSE.equals(user.getProperty("passwordChangeRequired", null))) return false;
            Object cred = user.getProperty("credentials", null);
            if (!(cred instanceof String)) return false;
            return SystemGraphCredential.deserialize((String) cred, new SecureHasher())
                    .matchesPassword(password.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            return false;
        }
    }

    static void waitForBolt(String host, int port, long timeoutMs) throws IOException, InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 1000);
                return;
            } catch (IOException e) {
                if (System.currentTimeMillis() > end) throw e;
                Thread.sleep(100);
            }
        }
    }

    static boolean portFree(String host, int port) {
        try (ServerSocket ss = new ServerSocket()) {
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String neo4jVersion() {
        Package p = DatabaseManagementService.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "5.x" : v;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    static void fail(int code, String message) {
        System.out.flush();
        PrintStream err = System.err;
        err.println("RSN-NEO4J FAILED: " + message);
        err.flush();
        System.exit(code);
    }
}
