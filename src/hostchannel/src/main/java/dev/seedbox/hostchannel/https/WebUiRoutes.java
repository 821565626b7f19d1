package dev.seedbox.hostchannel.https;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends the operator's own requests to {@code https://<hostname>/} straight to the seedbox server's address,
 * whatever DNS answers for the name yet. The login check and the customer must agree on the certificate, so TLS runs
 * end to end with the hostname as SNI: an HTTP client configured with this selector asks a loopback forward proxy
 * (HTTP CONNECT, as browsers use one) for a tunnel, and the proxy connects to the address routed for that hostname.
 * Without it a new server would wait for external-dns and every resolver's negative cache before its first login
 * check, and a moved server's login would be checked against its old address.
 *
 * <p>Only routed hostnames go through the tunnel, only to port 443 at their routed address; every other request
 * goes out directly. The proxy listens on loopback only.
 */
public final class WebUiRoutes extends ProxySelector implements AutoCloseable {

  private static final int HTTPS_PORT = 443;
  private static final int MAX_HEAD = 8192;

  private final Map<String, String> addresses = new ConcurrentHashMap<>();
  private final ServerSocket listener;
  private final Duration connectTimeout;
  private final List<Proxy> tunnel;
  private final ExecutorService connections;

  private WebUiRoutes(ServerSocket listener, Duration connectTimeout) {
    this.listener = listener;
    this.connectTimeout = connectTimeout;
    this.tunnel = List.of(new Proxy(Proxy.Type.HTTP, listener.getLocalSocketAddress()));
    AtomicInteger threads = new AtomicInteger();
    this.connections = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "web-ui-route-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Starts the loopback proxy on a free port. */
  public static WebUiRoutes start(Duration connectTimeout) {
    try {
      WebUiRoutes routes = new WebUiRoutes(new ServerSocket(0, 64, InetAddress.getLoopbackAddress()), connectTimeout);
      routes.connections.execute(routes::accept);
      return routes;
    } catch (IOException e) {
      throw new UncheckedIOException("could not listen on loopback for the web UI routes", e);
    }
  }

  /** Requests to {@code https://hostname/} go to {@code address} from now on. */
  public void route(String hostname, String address) {
    addresses.put(hostname.toLowerCase(Locale.ROOT), address);
  }

  /** Requests to the hostname go wherever DNS says again. */
  public void forget(String hostname) {
    addresses.remove(hostname.toLowerCase(Locale.ROOT));
  }

  @Override
  public List<Proxy> select(URI uri) {
    boolean routed = "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null
        && addresses.containsKey(uri.getHost().toLowerCase(Locale.ROOT));
    return routed ? tunnel : List.of(Proxy.NO_PROXY);
  }

  @Override
  public void connectFailed(URI uri, SocketAddress proxy, IOException failure) {
    // the tunnel is in this process: a failure is the server's, and the HTTP client reports it as such
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        try {
          connections.execute(() -> tunnel(client));
        } catch (RejectedExecutionException closing) {
          client.close();
        }
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void tunnel(Socket client) {
    try (client) {
      client.setSoTimeout(Math.toIntExact(connectTimeout.toMillis()));
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      String[] request = head(in).split("\r\n", 2)[0].split(" ");
      String address = request.length == 3 && "CONNECT".equals(request[0]) ? destination(request[1]) : null;
      if (address == null) {
        out.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        return;
      }
      try (Socket server = new Socket()) {
        try {
          server.connect(new InetSocketAddress(address, HTTPS_PORT), Math.toIntExact(connectTimeout.toMillis()));
        } catch (IOException unreachable) {
          out.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          return;
        }
        client.setSoTimeout(0);
        out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        connections.execute(() -> pump(in, server));
        pump(server.getInputStream(), client);
      }
    } catch (IOException | RuntimeException ended) {
      // the connection ends; the HTTP client sees it closed and reports the web UI unreachable
    }
  }

  /** The routed address for {@code hostname:443}; null for any other name or port. */
  private String destination(String authority) {
    int colon = authority.lastIndexOf(':');
    if (colon < 0 || !authority.substring(colon + 1).equals(Integer.toString(HTTPS_PORT))) {
      return null;
    }
    return addresses.get(authority.substring(0, colon).toLowerCase(Locale.ROOT));
  }

  private static String head(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
      int b = in.read();
      if (b < 0 || head.length() > MAX_HEAD) {
        throw new IOException("no complete request head");
      }
      head.append((char) b);
    }
    return head.toString();
  }

  private static void pump(InputStream from, Socket to) {
    try {
      from.transferTo(to.getOutputStream());
      to.shutdownOutput();
    } catch (IOException ended) {
      // one side closed
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    connections.shutdownNow();
  }
}
