package dev.seedbox.operator.http;

import dev.seedbox.runtime.HealthEndpoints;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;

/** /healthz, /readyz and /metrics on their own small Vert.x instance (separate from the Kubernetes client's). */
public final class OperatorHttpServer implements AutoCloseable {

  private final Vertx vertx;
  private final HttpServer server;

  private OperatorHttpServer(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  /** Listens on {@code port} (0 picks a free one, for tests) and returns once the socket is bound. */
  public static OperatorHttpServer start(HealthEndpoints endpoints, int port) {
    Vertx vertx = Vertx.vertx();
    try {
      Router router = Router.router(vertx);
      endpoints.mount(router);
      HttpServer server = vertx.createHttpServer()
          .requestHandler(router)
          .listen(port)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      return new OperatorHttpServer(vertx, server);
    } catch (Exception e) {
      vertx.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("could not listen on HTTP port " + port + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // closing on the way out: nothing left to do about it
    }
  }
}
