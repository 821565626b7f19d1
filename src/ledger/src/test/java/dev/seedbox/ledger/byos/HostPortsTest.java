package dev.seedbox.ledger.byos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.ledger.audit.AuditLog;
import dev.seedbox.ledger.testing.MutableClock;
import dev.seedbox.ledger.testing.PostgresDatabase;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Ports of Seedboxes sharing a customer's server, as the operator's runtime role allocates them. */
class HostPortsTest {

  @RegisterExtension
  static final PostgresDatabase DB = new PostgresDatabase();

  private final MutableClock clock = MutableClock.at("2026-04-01T00:00:00Z");
  private HostPorts ports;
  private String host;

  @BeforeEach
  void allocator() {
    Jdbi jdbi = Jdbi.create(DB.operator());
    ports = new HostPorts(jdbi, clock, new AuditLog(jdbi, clock), HostPorts.PortRange.parse("20000-20009"));
    host = "server-" + UUID.randomUUID() + ".example";
  }

  @Test
  void allocationIsIdempotentAndInsideTheRange() {
    Map<String, Integer> first = ports.allocate(host, "sb-1", List.of("webui", "peer"), "test");
    Map<String, Integer> again = ports.allocate(host, "sb-1", List.of("webui", "peer"), "test");

    assertThat(again).isEqualTo(first);
    assertThat(first.values()).allSatisfy(p -> assertThat(p).isBetween(20000, 20009)).doesNotHaveDuplicates();
    assertThat(ports.held(host, "sb-1")).isEqualTo(first);
  }

  @Test
  void twoSeedboxesOnOneHostGetDistinctPortsAndReleaseFreesThem() {
    Map<String, Integer> a = ports.allocate(host, "sb-a", List.of("webui", "peer"), "test");
    Map<String, Integer> b = ports.allocate(host, "sb-b", List.of("webui", "peer"), "test");
    assertThat(b.values()).doesNotContainAnyElementsOf(a.values());

    assertThat(ports.release("sb-a", "test")).isEqualTo(2);
    assertThat(ports.release("sb-a", "test")).isZero();
    assertThat(ports.held(host, "sb-a")).isEmpty();
    assertThat(ports.allocate(host, "sb-c", List.of("webui", "peer"), "test").values())
        .containsExactlyInAnyOrderElementsOf(a.values());
  }

  @Test
  void concurrentAllocationsOnOneHostNeverShareAPort() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch start = new CountDownLatch(1);
      Callable<Map<String, Integer>> one = () -> {
        start.await();
        return ports.allocate(host, "sb-one", List.of("webui", "peer"), "test");
      };
      Callable<Map<String, Integer>> two = () -> {
        start.await();
        return ports.allocate(host, "sb-two", List.of("webui", "peer"), "test");
      };
      Future<Map<String, Integer>> f1 = pool.submit(one);
      Future<Map<String, Integer>> f2 = pool.submit(two);
      start.countDown();
      assertThat(f2.get().values()).doesNotContainAnyElementsOf(f1.get().values());
    } finally {
      pool.shutdownNow();
    }
  }
}
