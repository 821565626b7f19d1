package dev.seedbox.billing;

import static dev.seedbox.billing.RunningBillingController.API_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.billing.webhook.WebhookEvent;
import dev.seedbox.devsupport.SandboxCoinPayPortal;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the server answers at the edges of HTTP: every answer is JSON, and a body comes with its length. */
class HttpAnswersTest {

  @RegisterExtension
  static final RunningBillingController billing = new RunningBillingController(4);

  @Test
  void anHttp10WebhookWithoutALengthIs411AndWritesNothing() throws IOException {
    String paid = billing.openedTopUp("alice", "http10", "10.00");
    Map<String, Long> before = billing.rowCounts();
    SandboxCoinPayPortal.Webhook webhook = billing.gateway.webhook(WebhookEvent.CONFIRMED, paid);

    String answer = raw("POST /webhooks/coinpayportal HTTP/1.0\r\nHost: billing\r\nContent-Type: application/json\r\n"
        + "x-coinpay-signature: " + webhook.signatureHeader() + "\r\n\r\n" + webhook.rawBody());

    assertThat(answer).startsWith("HTTP/1.0 411").contains("application/json").contains("\"error\"");
    assertThat(billing.rowCounts()).isEqualTo(before);
  }

  @Test
  void theSameWebhookWithItsLengthOverHttp10IsCredited() throws IOException {
    String paid = billing.openedTopUp("alice", "http10-length", "10.00");
    SandboxCoinPayPortal.Webhook webhook = billing.gateway.webhook(WebhookEvent.CONFIRMED, paid);
    byte[] body = webhook.rawBody().getBytes(StandardCharsets.UTF_8);

    String answer = raw("POST /webhooks/coinpayportal HTTP/1.0\r\nHost: billing\r\nContent-Length: " + body.length
        + "\r\nx-coinpay-signature: " + webhook.signatureHeader() + "\r\n\r\n" + webhook.rawBody());

    assertThat(answer).startsWith("HTTP/1.0 200").contains("\"outcome\":\"credited\"");
  }

  @Test
  void unknownPathsAndMethodsUnderV1AnswerJson() {
    HttpResponse<String> missing = billing.send(HttpRequest.newBuilder(billing.url("/v1/nothing/here"))
        .header("Authorization", "Bearer " + API_TOKEN));
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(new JsonObject(missing.body()).getString("error")).isNotBlank();

    HttpResponse<String> wrongMethod = billing.send(HttpRequest.newBuilder(billing.url("/v1/accounts/customers/alice"))
        .header("Authorization", "Bearer " + API_TOKEN).DELETE());
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(new JsonObject(wrongMethod.body()).getString("error")).isNotBlank();
  }

  @Test
  void headersTooLargeAre431AsJson() throws IOException {
    String answer = raw("GET /v1/accounts/customers/alice HTTP/1.1\r\nHost: billing\r\nAuthorization: Bearer "
        + API_TOKEN + "\r\nX-Padding: " + "p".repeat(20_000) + "\r\nConnection: close\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 431").contains("application/json").contains("\"error\"");
  }

  @Test
  void aWebhookForAGatewayWeDoNotHaveIs404AsJson() {
    HttpResponse<String> response = billing.send(HttpRequest.newBuilder(billing.url("/webhooks/otherpay"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(response.body()).getString("error")).contains("otherpay");
  }

  /** Sends bytes as written and reads the answer until the server closes the connection (HTTP/1.0, or close). */
  private static String raw(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", billing.app.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
