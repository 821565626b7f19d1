package dev.seedbox.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.devsupport.SandboxCoinPayPortal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A seeded fuzz of the webhook envelope through the whole handling path (HTTP, signature, parse, intake, ledger):
 * a validly signed paid event for a known payment is credited exactly once whatever else its body holds, however
 * often it is resent; anything not validly signed, or signed with a broken envelope, writes nothing. Runs for a
 * bounded time; {@code -Dfuzz.seed=N} replays a run, {@code -Dfuzz.seconds=N} runs longer.
 */
class WebhookEnvelopeFuzzTest {

  private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
  private static final Duration BUDGET = Duration.ofSeconds(Long.getLong("fuzz.seconds", 4));
  private static final String[] PAID = {"payment.confirmed", "payment.forwarded"};

  @RegisterExtension
  static final RunningBillingController billing = new RunningBillingController(8)
      .env("SEEDBOX_WEBHOOK_MAX_BYTES", "65536");

  private final Random random = new Random(SEED);

  @Test
  void aSignedPaidEventCreditsExactlyOnceWhateverElseItsBodyHoldsAndAnythingElseWritesNothing() {
    long until = System.nanoTime() + BUDGET.toNanos();
    int paidCases = 0;
    int refusedCases = 0;
    while (System.nanoTime() < until || paidCases < 5) {
      String gatewayId = billing.openedTopUp("alice", "fuzz-" + SEED + "-" + paidCases, "12.34");
      refusedCases += refusedVariants(gatewayId);
      long balance = billing.balance(RunningBillingController.ACCOUNT_UID);
      int sends = 1 + random.nextInt(3);
      for (int i = 0; i < sends; i++) {
        String body = paidBody(gatewayId);
        HttpResponse<String> answer = send(body, sign(body, Instant.now()));
        assertThat(answer.statusCode()).as("seed %d, body %s: %s", SEED, clip(body), answer.body()).isEqualTo(200);
      }
      assertThat(billing.count("SELECT count(*) FROM seedbox_ledger_entries WHERE kind = 'TopUp' AND payment_key ="
          + " (SELECT id::text FROM seedbox_payments WHERE gateway_payment_id = ?)", gatewayId))
          .as("seed %d: credits for %s after %d sends", SEED, gatewayId, sends).isOne();
      assertThat(billing.balance(RunningBillingController.ACCOUNT_UID)).as("seed %d", SEED)
          .isEqualTo(balance + 1234);
      paidCases++;
    }
    System.out.printf("webhook fuzz, seed %d: %d paid events credited once each, %d refused deliveries%n", SEED,
        paidCases, refusedCases);
    assertThat(refusedCases).as("seed %d", SEED).isPositive();
  }

  /** Variants of a paid event for {@code gatewayId} that must be refused; returns how many were sent. */
  private int refusedVariants(String gatewayId) {
    Map<String, Long> before = billing.rowCounts();
    int sent = 0;
    for (int i = 0; i < 1 + random.nextInt(4); i++) {
      String body = paidBody(gatewayId);
      HttpResponse<String> answer = switch (random.nextInt(6)) {
        case 0 -> send(mutate(body), sign(body, Instant.now()));
        case 1 -> send(body, sign(body, Instant.now().minusSeconds(301 + random.nextInt(100_000))));
        case 2 -> send(body, sign(body + " ", Instant.now()));
        case 3 -> send(body, random.nextBoolean() ? null : garbage(random.nextInt(80)));
        case 4 -> {
          String broken = brokenEnvelope(gatewayId);
          yield send(broken, sign(broken, Instant.now()));
        }
        default -> send(body, SandboxCoinPayPortal.sign("whsec_not_ours", Instant.now().getEpochSecond(),
            body.getBytes(StandardCharsets.UTF_8)));
      };
      assertThat(answer.statusCode()).as("seed %d: %s", SEED, answer.body()).isIn(400, 401, 411, 413);
      sent++;
    }
    assertThat(billing.rowCounts()).as("seed %d: rows after refused deliveries", SEED).isEqualTo(before);
    return sent;
  }

  /** How {@link #brokenEnvelope} breaks a body. */
  private enum Broken { NONE, TYPE_NOT_A_STRING, NO_PAYMENT_ID, REPEATED_ID, BAD_CREATED_AT, FOREIGN_BUSINESS }

  private String paidBody(String gatewayId) {
    String body;
    do {
      body = paidBody(gatewayId, Broken.NONE);
    } while (body.getBytes(StandardCharsets.UTF_8).length > 60_000);
    return body;
  }

  private String paidBody(String gatewayId, Broken broken) {
    List<String> top = new ArrayList<>();
    top.add(field("id", str("evt_" + Long.toHexString(random.nextLong()))));
    if (broken == Broken.REPEATED_ID) {
      top.add(field("id", str("evt_again")));
    }
    top.add(field("type", broken == Broken.TYPE_NOT_A_STRING ? Integer.toString(random.nextInt(9))
        : str(PAID[random.nextInt(PAID.length)])));
    top.add(field("business_id", str(broken == Broken.FOREIGN_BUSINESS ? "biz_other"
        : RunningBillingController.BUSINESS_ID)));
    top.add(field("created_at", str(broken == Broken.BAD_CREATED_AT ? randomText(10)
        : Instant.now().minusSeconds(random.nextInt(10_000)).toString())));
    List<String> data = new ArrayList<>();
    if (broken != Broken.NO_PAYMENT_ID) {
      data.add(field("payment_id", str(gatewayId)));
    }
    data.add(field("status", str(randomText(12))));
    switch (random.nextInt(6)) {
      case 0 -> { }
      case 1 -> data.add(field("amount_usd", str("12.34")));
      case 2 -> data.add(field("amount_usd", str(random.nextInt(1_000_000) + 13 + "." + random.nextInt(100))));
      case 3 -> data.add(field("amount_usd", notAnAmount(() -> str(randomText(30)))));
      case 4 -> data.add(field("amount_usd", "1e" + random.nextInt(Integer.MAX_VALUE)));
      default -> data.add(field("amount_usd", notAnAmount(() -> value(3))));
    }
    if (random.nextBoolean()) {
      data.add(field("metadata", value(4)));
    }
    for (int i = random.nextInt(6); i > 0; i--) {
      data.add(field("x_" + randomText(8), value(5)));
    }
    for (int i = random.nextInt(6); i > 0; i--) {
      top.add(field("x_" + randomText(8), value(5)));
    }
    top.add(field("data", object(data)));
    return object(top);
  }

  /**
   * A value for {@code amount_usd} that is not a readable amount. Random text can come out as "2", a real
   * underpayment, which is rightly held for review rather than credited.
   */
  private static String notAnAmount(java.util.function.Supplier<String> values) {
    String value;
    do {
      value = values.get();
    } while (value.matches("\"[+-]?[0-9]+(\\.[0-9]*)?\""));
    return value;
  }

  /** A body signed correctly whose envelope is wrong: a field missing, not a string, repeated, or cut off. */
  private String brokenEnvelope(String gatewayId) {
    Broken[] kinds = Broken.values();
    int pick = random.nextInt(kinds.length);
    if (pick == 0) {
      String body = paidBody(gatewayId);
      return body.substring(0, random.nextInt(body.length()));
    }
    String body;
    do {
      body = paidBody(gatewayId, kinds[pick]);
    } while (body.getBytes(StandardCharsets.UTF_8).length > 60_000);
    return body;
  }

  private String mutate(String body) {
    char[] chars = body.toCharArray();
    int at = random.nextInt(chars.length);
    chars[at] = chars[at] == 'a' ? 'b' : 'a';
    return new String(chars);
  }

  private String value(int depth) {
    int kind = random.nextInt(depth <= 0 ? 5 : 8);
    return switch (kind) {
      case 0 -> str(randomText(random.nextInt(40)));
      case 1 -> Long.toString(random.nextLong());
      case 2 -> random.nextBoolean() ? "true" : "null";
      case 3 -> random.nextInt(1000) + "." + random.nextInt(1000) + "e" + (random.nextBoolean() ? "-" : "")
          + random.nextInt(Integer.MAX_VALUE);
      case 4 -> "9".repeat(1 + random.nextInt(3000));
      case 5 -> {
        int deep = 1 + random.nextInt(3000);
        yield "[".repeat(deep) + "]".repeat(deep);
      }
      case 6 -> {
        List<String> items = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          items.add(value(depth - 1));
        }
        yield "[" + String.join(",", items) + "]";
      }
      default -> {
        List<String> fields = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          // repeated keys outside the envelope are the sender's business
          fields.add(field(random.nextInt(4) == 0 ? "payment_id" : randomText(6), value(depth - 1)));
        }
        yield object(fields);
      }
    };
  }

  private String object(List<String> fields) {
    List<String> shuffled = new ArrayList<>(fields);
    Collections.shuffle(shuffled, random);
    return "{" + String.join(",", shuffled) + "}";
  }

  private static String field(String name, String value) {
    return str(name) + ":" + value;
  }

  private String randomText(int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int pick = random.nextInt(10);
      text.appendCodePoint(pick < 6 ? 'a' + random.nextInt(26) : pick < 8 ? 0x20 + random.nextInt(0x5f)
          : pick == 8 ? 0x00e0 + random.nextInt(0x1000) : 0x1f600 + random.nextInt(0x40));
    }
    return text.toString();
  }

  private String garbage(int length) {
    return randomText(length).replaceAll("[^ -~]", "?");
  }

  /** A JSON string literal. */
  private static String str(String text) {
    StringBuilder out = new StringBuilder("\"");
    text.codePoints().forEach(c -> {
      if (c == '"' || c == '\\') {
        out.append('\\').appendCodePoint(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.append('"').toString();
  }

  private static String sign(String body, Instant at) {
    return SandboxCoinPayPortal.sign(RunningBillingController.SECRET, at.getEpochSecond(),
        body.getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> send(String body, String signature) {
    HttpRequest.Builder request = HttpRequest.newBuilder(billing.webhookUrl())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (signature != null) {
      request.header("x-coinpay-signature", signature);
    }
    return billing.send(request);
  }

  private static String clip(String body) {
    return body.length() > 300 ? body.substring(0, 300) + "..." : body;
  }
}
