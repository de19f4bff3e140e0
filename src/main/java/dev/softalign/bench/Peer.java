package dev.softalign.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Another library running {@link Workload}s in the same run: PyTorch, through the script
 * {@code bench/peer/torch_peer.py}, started as a child process with its own thread count and
 * environment (which BLAS it loads is the environment's business: see bench/peer/README.md).
 *
 * <p>The protocol: each line of the script's output that starts with {@value #PREFIX} carries one
 * JSON object; other lines are ignored. First {@code {"type":"peer", "name", "version", "blas",
 * "threads", ...}}, then one {@code {"type":"result", "work", "dtype", "value", "unit"}} per
 * workload and precision, or {@code {"type":"error", "work", "dtype", "message"}} for one that
 * failed.
 */
public final class Peer {

    public static final String PREFIX = "softalign-peer ";
    /** The script, relative to the project root. */
    public static final Path SCRIPT = Path.of("bench", "peer", "torch_peer.py");

    /** Who answered: the library, its version, the BLAS it loaded and its threads. */
    public record Info(String name, String version, String blas, int threads, String python) {

        /** "torch 1.13.1 (BLAS ..., 2 threads)". */
        public String describe() {
            return name + " " + version + " (BLAS " + blas + ", " + threads + " threads)";
        }
    }

    /** One peer's answers, keyed by workload. */
    public record Report(Info info, Map<Workload, Double> values, List<String> errors) {

        /** The peer's figure for a workload, or null if it gave none. */
        public Double value(Workload w) {
            return values.get(w);
        }
    }

    /** The peer could not be found, started or understood; the message says which and what to do. */
    public static final class PeerException extends RuntimeException {

        public PeerException(String message) {
            super(message);
        }
    }

    private Peer() {
    }

    /**
     * Reads the peer's output lines.
     *
     * @throws PeerException when no "peer" line came, or a protocol line is not the JSON described
     */
    public static Report parse(List<String> lines) {
        Info info = null;
        Map<Workload, Double> values = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith(PREFIX)) {
                continue;
            }
            JsonObject o;
            try {
                o = JsonParser.parseString(line.substring(PREFIX.length())).getAsJsonObject();
                String type = o.get("type").getAsString();
                switch (type) {
                    case "peer" -> info = new Info(o.get("name").getAsString(), o.get("version").getAsString(),
                            o.get("blas").getAsString(), o.get("threads").getAsInt(),
                            o.has("python") ? o.get("python").getAsString() : "");
                    case "result" -> {
                        Workload w = new Workload(o.get("work").getAsString(), o.get("dtype").getAsString());
                        double v = o.get("value").getAsDouble();
                        if (!w.unit().equals(o.get("unit").getAsString()) || !(v > 0) || !Double.isFinite(v)) {
                            throw new PeerException("the peer's figure for " + w.id() + " " + w.dtype() + " is not a "
                                    + "positive number of " + w.unit() + ": " + line);
                        }
                        values.put(w, v);
                    }
                    case "error" -> errors.add(o.get("work").getAsString() + " " + o.get("dtype").getAsString() + ": "
                            + o.get("message").getAsString());
                    default -> throw new PeerException("the peer sent a line of unknown type '" + type + "': " + line);
                }
            } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException
                     | IllegalArgumentException e) {
                if (e instanceof PeerException p) {
                    throw p;
                }
                throw new PeerException("the peer sent a line that is not its protocol (" + e.getMessage() + "): " + line);
            }
        }
        if (info == null) {
            throw new PeerException("the peer printed no '" + PREFIX.strip() + " {\"type\": \"peer\", ...}' line");
        }
        return new Report(info, values, errors);
    }

    /**
     * The Python that runs the peer: {@code explicit} if given, else {@code $SOFTALIGN_PEER_PYTHON},
     * else /usr/bin/python3 (Debian's python3-torch installs there), else {@code python3} on the
     * PATH; the first that imports torch.
     *
     * @throws PeerException naming what was tried when none imports torch
     */
    public static String findPython(String explicit, Map<String, String> env) {
        List<String> candidates = new ArrayList<>();
        if (explicit != null) {
            candidates.add(explicit);
        } else {
            String fromEnv = System.getenv("SOFTALIGN_PEER_PYTHON");
            if (fromEnv != null && !fromEnv.isBlank()) {
                candidates.add(fromEnv);
            }
            candidates.add("/usr/bin/python3");
            candidates.add("python3");
        }
        for (String python : candidates) {
            if (python.contains("/") && !Files.isExecutable(Path.of(python))) {
                continue;
            }
            try {
                Process p = process(List.of(python, "-c", "import torch"), env).start();
                p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return python;
                }
                p.destroyForcibly();
            } catch (IOException e) {
                // not on this machine: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PeerException("interrupted while looking for the peer's python");
            }
        }
        throw new PeerException("--peer torch needs a python3 that imports torch; tried " + String.join(", ", candidates)
                + " (apt-get install python3-torch, or --peer-python PATH)");
    }

    /**
     * Runs the script on the workloads and returns its report; the script's progress lines pass
     * through to {@code log}.
     */
    public static Report run(String python, Path script, Path dataDir, int threads, List<Workload> work, int rounds,
            Map<String, String> env, java.io.PrintWriter log) {
        if (!Files.isRegularFile(script)) {
            throw new PeerException(script + ": the peer script is missing (restore it with git checkout -- " + SCRIPT
                    + ")");
        }
        List<String> dtypes = work.stream().map(Workload::dtype).distinct().toList();
        List<String> ids = work.stream().map(Workload::id).distinct().toList();
        List<String> cmd = List.of(python, script.toString(), "--data", dataDir.toString(), "--threads",
                Integer.toString(threads), "--dtypes", String.join(",", dtypes), "--work", String.join(",", ids),
                "--rounds", Integer.toString(rounds));
        List<String> lines = new ArrayList<>();
        try {
            Process p = process(cmd, env).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                    if (log != null && line.startsWith(PREFIX)) {
                        log.println("peer: " + line.substring(PREFIX.length()));
                        log.flush();
                    }
                }
            }
            int code = p.waitFor();
            if (code != 0) {
                int from = Math.max(0, lines.size() - 3);
                throw new PeerException("the peer exited with code " + code + ": "
                        + String.join(" | ", lines.subList(from, lines.size())));
            }
        } catch (IOException e) {
            throw new PeerException("cannot run " + python + " " + script + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException("interrupted while the peer ran");
        }
        return parse(lines);
    }

    private static ProcessBuilder process(List<String> cmd, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        return pb;
    }

    /**
     * The peer's environment from {@code NAME=VALUE} pairs: the {@code --peer-env} options, after
     * those in {@code $SOFTALIGN_PEER_ENV} (space-separated), e.g.
     * {@code LD_LIBRARY_PATH=/opt/openblas/usr/lib/x86_64-linux-gnu/openblas-openmp OPENBLAS_CORETYPE=SkylakeX}.
     */
    public static Map<String, String> environment(String fromEnv, List<String> options) {
        Map<String, String> env = new LinkedHashMap<>();
        List<String> pairs = new ArrayList<>();
        if (fromEnv != null && !fromEnv.isBlank()) {
            pairs.addAll(List.of(fromEnv.strip().split("\\s+")));
        }
        if (options != null) {
            pairs.addAll(options);
        }
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("the peer's environment takes NAME=VALUE, got '" + pair + "'");
            }
            env.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return env;
    }
}
