package dev.seedbox.operator.harness;

import dev.seedbox.devsupport.ApiDiscoveryDispatcher;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Discovery plus CRUD, and an answer to the SelfSubjectRulesReview JOSDK's leader election asks first (the mock
 * rejects that kind with 422). The answer grants what the operator's RBAC grants: Leases, our resources and their
 * status, Secrets and Events.
 */
public class LeaseGrantingDispatcher extends ApiDiscoveryDispatcher {

  static final String RULES_REVIEW = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";

  static final List<ResourceRule> GRANTED = List.of(
      rule("coordination.k8s.io", List.of("leases"), "create", "update", "get"),
      rule("seedbox.dev", List.of("seedboxes", "billingaccounts", "byosconnections"),
          "get", "list", "watch", "patch", "update"),
      rule("seedbox.dev", List.of("seedboxes/status", "billingaccounts/status", "byosconnections/status"),
          "get", "patch", "update"),
      rule("", List.of("secrets"), "get", "create", "patch", "delete"),
      rule("", List.of("events"), "create", "patch"));

  private final AtomicInteger reviews = new AtomicInteger();

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if ("POST".equalsIgnoreCase(request.getMethod()) && request.getPath().startsWith(RULES_REVIEW)) {
      reviews.incrementAndGet();
      SelfSubjectRulesReview review = Serialization.unmarshal(request.getUtf8Body(), SelfSubjectRulesReview.class);
      review.setStatus(new SubjectRulesReviewStatusBuilder()
          .withResourceRules(GRANTED)
          .withIncomplete(false)
          .build());
      return new MockResponse().setResponseCode(201).setHeader("Content-Type", "application/json")
          .setBody(Serialization.asJson(review));
    }
    return super.dispatch(request);
  }

  /** How many rules reviews were answered (leader election asks once per start). */
  public int rulesReviews() {
    return reviews.get();
  }

  private static ResourceRule rule(String group, List<String> resources, String... verbs) {
    return new ResourceRuleBuilder().withApiGroups(group).withResources(resources).withVerbs(verbs).build();
  }
}
