package dev.seedbox.provisioning.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.provisioning.CreateRequest;
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.provisioning.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class InMemoryProviderConcurrencyTest {

  private static CreateRequest request(String uid) {
    return new CreateRequest(uid, "small", "dev-1", TorrentClient.QBITTORRENT, "#cloud-config\n{}\n");
  }

  @Test
  void createsAThousandServersFromManyThreadsWithDistinctIds() throws Exception {
    InMemoryProvider provider = new InMemoryProvider(InMemoryProvider.Options.defaults()
        .withActivationDelay(Duration.ZERO));
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<ServerRef>> refs = IntStream.range(0, 1200)
          .mapToObj(i -> pool.submit(() -> provider.create(request("uid-" + i)).ref())).toList();
      Set<ServerRef> distinct = ConcurrentHashMap.newKeySet();
      for (Future<ServerRef> ref : refs) {
        distinct.add(ref.get(30, TimeUnit.SECONDS));
      }
      assertThat(distinct).hasSize(1200);
      assertThat(provider.listManaged()).hasSize(1200);
      assertThat(provider.serversCreated()).isEqualTo(1200);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentCreatesForOneUidMakeOneServer() throws Exception {
    InMemoryProvider provider = new InMemoryProvider();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<ServerRef>> refs = IntStream.range(0, 64)
          .mapToObj(i -> pool.submit(() -> provider.create(request("same-uid")).ref())).toList();
      Set<ServerRef> distinct = ConcurrentHashMap.newKeySet();
      for (Future<ServerRef> ref : refs) {
        distinct.add(ref.get(30, TimeUnit.SECONDS));
      }
      assertThat(distinct).hasSize(1);
      assertThat(provider.serversCreated()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void latencyIsSpentConcurrentlyNotUnderAGlobalLock() throws Exception {
    int threads = 8;
    // Every call's latency waits at this barrier: it can only trip when all eight calls are in their latency at
    // the same time, which a lock held across the latency would prevent (the barrier would time out).
    CyclicBarrier allInLatency = new CyclicBarrier(threads);
    Sleeper barrierSleeper = d -> {
      try {
        allInLatency.await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("calls did not overlap in their latency", e);
      }
    };
    InMemoryProvider provider = new InMemoryProvider(InMemoryProvider.Options.defaults()
        .withLatency(Duration.ofMillis(1))
        .withRetry(dev.seedbox.provisioning.RetryPolicy.defaults(), barrierSleeper));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> calls = IntStream.range(0, threads)
          .mapToObj(i -> pool.submit(() -> provider.listManaged().size())).toList();
      for (Future<Integer> call : calls) {
        assertThat(call.get(20, TimeUnit.SECONDS)).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
