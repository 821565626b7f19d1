package dev.seedbox.billing;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Every answer the billing-controller gives is a JSON object, errors included. */
public final class JsonAnswers {

  private static final String JSON_TYPE = "application/json";

  private JsonAnswers() {
  }

  public static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("error", message));
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("content-type", JSON_TYPE).end(body.encode());
  }
}
