package dev.seedbox.hostchannel.realhost;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * What DNS would do for a seedbox's hostname, for an HTTP client in the rig: a forward proxy (HTTP CONNECT, as
 * browsers use through a proxy) that sends every tunnel to the rig's server address, whatever name it was asked
 * for. TLS runs end to end through it, with the hostname as SNI, so the certificate is checked exactly as it would
 * be over DNS. The rig cannot publish a record in real DNS, and a hosts file would change name resolution for the
 * whole test JVM.
 */
final class HostnameTunnel implements AutoCloseable {

  private final String serverAddress;
  private final ServerSocket listener;

  HostnameTunnel(String serverAddress) throws IOException {
    this.serverAddress = serverAddress;
    this.listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "hostname-tunnel");
    accept.setDaemon(true);
    accept.start();
  }

  ProxySelector proxy() {
    return ProxySelector.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Thread tunnel = new Thread(() -> tunnel(client), "hostname-tunnel-conn");
        tunnel.setDaemon(true);
        tunnel.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void tunnel(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      String request = head(in);
      String[] line = request.split("\r\n", 2)[0].split(" ");
      OutputStream out = client.getOutputStream();
      if (line.length != 3 || !line[0].equals("CONNECT")) {
        out.write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return;
      }
      int port = Integer.parseInt(line[1].substring(line[1].lastIndexOf(':') + 1));
      try (Socket server = new Socket(serverAddress, port)) {
        out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread up = new Thread(() -> pump(in, server), "hostname-tunnel-up");
        up.setDaemon(true);
        up.start();
        pump(server.getInputStream(), client);
      }
    } catch (IOException | RuntimeException e) {
      // the connection ends; the client sees it closed
    }
  }

  private static String head(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0 || head.length() > 8192) {
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
  public void close() throws IOException {
    listener.close();
  }
}
