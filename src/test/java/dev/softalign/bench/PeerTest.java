package dev.softalign.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The peer protocol, read from a fixed sample of torch_peer.py's output (no torch needed). */
class PeerTest {

    static final List<String> SAMPLE = List.of(
            "a progress line the protocol ignores",
            "softalign-peer {\"type\": \"peer\", \"name\": \"torch\", \"version\": \"1.13.0a0\", \"blas\": "
                    + "\"/opt/openblas/libopenblasp-r0.3.21.so\", \"threads\": 2, \"python\": \"3.11.2\", "
                    + "\"openblas_coretype\": \"SkylakeX\"}",
            "softalign-peer {\"type\": \"result\", \"work\": \"train-bp-d2\", \"dtype\": \"f32\", \"value\": 69300.5, "
                    + "\"unit\": \"samples/s\"}",
            "softalign-peer {\"type\": \"result\", \"work\": \"hvp-d2\", \"dtype\": \"f64\", \"value\": 34.9, \"unit\": \"ms\"}",
            "softalign-peer {\"type\": \"error\", \"work\": \"pgd20-linf-d2\", \"dtype\": \"f64\", \"message\": "
                    + "\"RuntimeError('x')\"}");

    @Test
    void parsesTheSample() {
        Peer.Report r = Peer.parse(SAMPLE);
        assertEquals(new Peer.Info("torch", "1.13.0a0", "/opt/openblas/libopenblasp-r0.3.21.so", 2, "3.11.2"), r.info());
        assertEquals(69300.5, r.value(new Workload("train-bp-d2", "f32")));
        assertEquals(34.9, r.value(new Workload("hvp-d2", "f64")));
        assertNull(r.value(new Workload("train-bp-d2", "f64")));
        assertEquals(List.of("pgd20-linf-d2 f64: RuntimeError('x')"), r.errors());
        assertEquals("torch 1.13.0a0 (BLAS /opt/openblas/libopenblasp-r0.3.21.so, 2 threads)", r.info().describe());
    }

    @Test
    void refusesWhatIsNotTheProtocol() {
        String header = SAMPLE.get(1);
        // no header line
        assertThrows(Peer.PeerException.class, () -> Peer.parse(List.of(SAMPLE.get(2))));
        // not JSON, unknown work, wrong unit, non-positive value, unknown type
        for (String bad : List.of("softalign-peer {oops",
                "softalign-peer {\"type\": \"result\", \"work\": \"train-xx-d2\", \"dtype\": \"f32\", \"value\": 1, \"unit\": \"samples/s\"}",
                "softalign-peer {\"type\": \"result\", \"work\": \"hvp-d2\", \"dtype\": \"f32\", \"value\": 1, \"unit\": \"samples/s\"}",
                "softalign-peer {\"type\": \"result\", \"work\": \"hvp-d2\", \"dtype\": \"f32\", \"value\": 0, \"unit\": \"ms\"}",
                "softalign-peer {\"type\": \"what\"}")) {
            Peer.PeerException e = assertThrows(Peer.PeerException.class, () -> Peer.parse(List.of(header, bad)), bad);
            assertTrue(e.getMessage().contains(bad.substring(Peer.PREFIX.length())) || e.getMessage().contains("what"),
                    e.getMessage());
        }
    }

    @Test
    void environmentFromTheVariableThenTheOptions() {
        Map<String, String> env = Peer.environment(" LD_LIBRARY_PATH=/a  OPENBLAS_CORETYPE=Haswell ",
                List.of("OPENBLAS_CORETYPE=SkylakeX"));
        assertEquals(Map.of("LD_LIBRARY_PATH", "/a", "OPENBLAS_CORETYPE", "SkylakeX"), env);
        assertThrows(IllegalArgumentException.class, () -> Peer.environment(null, List.of("=x")));
    }

    @Test
    void workloadsNameTheirUnitAndDirection() {
        Workload train = new Workload("train-fa-d5", "f32");
        assertEquals("samples/s", train.unit());
        assertTrue(train.higherIsBetter());
        assertEquals("train FA, L=5, batch 128", train.label());
        assertEquals("ms", new Workload("pgd20-linf-d2", "f64").unit());
        assertEquals(12, Workload.all(Workload.DTYPES).size());
        assertThrows(IllegalArgumentException.class, () -> new Workload("hvp-d2", "f16"));
    }
}
