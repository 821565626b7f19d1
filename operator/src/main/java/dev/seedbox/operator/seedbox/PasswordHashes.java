package dev.seedbox.operator.seedbox;

import dev.seedbox.provisioning.client.QbittorrentProfile;
import dev.seedbox.provisioning.client.TorrentClientProfile;
import dev.seedbox.provisioning.cloudinit.QbittorrentPassword;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Web UI password hashes (the form the client stores, {@link TorrentClientProfile#storedPassword}), computed off
 * the reconcile pool. A qBittorrent hash costs ~70 ms of CPU on purpose
 * (PBKDF2, 100,000 iterations). Computed on a reconcile thread, a burst of orders would hold hundreds of reconcile
 * threads in hashing (or waiting to hash), and servers already up, deletions and suspensions of other Seedboxes would
 * wait for a thread. Here one thread per core hashes, a pass that finds its hash not ready yet returns at once, and
 * {@link #onReady} wakes the Seedbox when it is.
 *
 * <p>Jobs are kept by Seedbox UID until {@link #forget}: the password of a job lives only in memory until the Secret
 * holds it (a crash loses it before any server saw it, and the next pass starts over).
 */
final class PasswordHashes {

  /** A new password and its hash; never printed. */
  record Hashed(String password, String hash) {
    @Override
    public String toString() {
      return "Hashed[<redacted>]";
    }
  }

  /** @param fresh a password generated here for a Secret that did not exist, not one read from a Secret */
  private record Job(String password, CompletableFuture<String> hash, boolean fresh) {}

  private final ExecutorService hashing;
  private final TorrentClientProfile client;
  private final Map<String, Job> byUid = new ConcurrentHashMap<>();
  private volatile Consumer<String> onReady = uid -> {};

  PasswordHashes(int threads) {
    this(threads, new QbittorrentProfile());
  }

  /** @param client whose stored form of a password is computed (the client the servers run) */
  PasswordHashes(int threads, TorrentClientProfile client) {
    this.client = Objects.requireNonNull(client, "client");
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "webui-password-hash-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    // idle between bursts: no thread outlives its work, so nothing needs closing when the operator stops
    pool.allowCoreThreadTimeOut(true);
    this.hashing = pool;
  }

  /** Called with the Seedbox UID when a hash is ready (from a hashing thread). */
  void onReady(Consumer<String> listener) {
    this.onReady = Objects.requireNonNull(listener, "listener");
  }

  /** A new password for this Seedbox and its hash once computed; the first call starts it, later ones ask again. */
  Optional<Hashed> newCredentials(String uid) {
    Job job = byUid.computeIfAbsent(uid, u -> start(u, QbittorrentPassword.generate(), true));
    return done(job).map(hash -> new Hashed(job.password(), hash));
  }

  /** The hash of {@code password} (a Secret's, made without one) once computed; the first call starts it. */
  Optional<String> hashOf(String uid, String password) {
    Job job = byUid.compute(uid, (u, j) -> j != null && j.password().equals(password) ? j
        : start(u, password, false));
    return done(job);
  }

  /**
   * Whether new credentials for this Seedbox are hashed and waiting for their Secret: the Secret did not exist when
   * they were started, so the caller may create it without reading it first (a 409 still says if it appeared since).
   */
  boolean newCredentialsReady(String uid) {
    Job job = byUid.get(uid);
    return job != null && job.fresh() && job.hash().isDone();
  }

  /** Whether a hash for this Seedbox is still being computed: nothing to look at until it is (no API read). */
  boolean computing(String uid) {
    Job job = byUid.get(uid);
    return job != null && !job.hash().isDone();
  }

  /** Drops what is kept for this Seedbox: its hash is in its Secret now, or the Seedbox is gone. */
  void forget(String uid) {
    byUid.remove(uid);
  }

  private Job start(String uid, String password, boolean fresh) {
    CompletableFuture<String> hash = CompletableFuture.supplyAsync(() -> client.storedPassword(password), hashing);
    hash.whenComplete((h, failure) -> onReady.accept(uid));
    return new Job(password, hash, fresh);
  }

  private Optional<String> done(Job job) {
    if (!job.hash().isDone()) {
      return Optional.empty();
    }
    // a failed hash (no PBKDF2 in this JVM) throws here, on the reconcile thread, like the inline hash did
    return Optional.of(job.hash().join());
  }
}
