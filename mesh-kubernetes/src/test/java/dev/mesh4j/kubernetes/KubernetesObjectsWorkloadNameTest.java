package dev.mesh4j.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Pod's workload name, as istiod derives it ({@code pkg/kube/util.go},
 * {@code GetWorkloadMetaFromPod}): cases from its rules.
 */
class KubernetesObjectsWorkloadNameTest {
  private static Pod pod(String name, Map<String, String> labels, String generateName, String kind, String owner,
      boolean controller) {
    PodBuilder b = new PodBuilder().withNewMetadata().withNamespace("default").withName(name).withLabels(labels)
        .withGenerateName(generateName).endMetadata();
    if (kind != null) {
      b.editMetadata().withOwnerReferences(new OwnerReferenceBuilder().withKind(kind).withName(owner)
          .withApiVersion("apps/v1").withController(controller).build()).endMetadata();
    }
    return b.build();
  }

  private static String name(Pod pod) {
    return KubernetesObjects.workloadName(pod);
  }

  @Test
  void aReplicaSetNamedAfterThePodTemplateHashStandsForItsDeployment() {
    assertThat(name(pod("reviews-v1-5f7c8d-abcde", Map.of("pod-template-hash", "5f7c8d"), "reviews-v1-5f7c8d-",
        "ReplicaSet", "reviews-v1-5f7c8d", true))).isEqualTo("reviews-v1");
    assertThat(name(pod("web-6b9-x", Map.of("rollouts-pod-template-hash", "6b9"), "web-6b9-", "ReplicaSet",
        "web-6b9", true))).as("Argo Rollout").isEqualTo("web");
    assertThat(name(pod("rs-x", Map.of(), "rs-", "ReplicaSet", "plain-rs", true)))
        .as("a bare ReplicaSet").isEqualTo("plain-rs");
  }

  @Test
  void otherControllersByTheirNameAndCronJobsWithoutTheirSchedule() {
    assertThat(name(pod("db-0", Map.of(), "db-", "StatefulSet", "db", true))).isEqualTo("db");
    assertThat(name(pod("agent-x1", Map.of(), "agent-", "DaemonSet", "agent", true))).isEqualTo("agent");
    assertThat(name(pod("report-28712345-x", Map.of(), "report-28712345-", "Job", "report-28712345", true)))
        .isEqualTo("report");
    assertThat(name(pod("migrate-x", Map.of(), "migrate-", "Job", "migrate", true))).isEqualTo("migrate");
    assertThat(name(pod("j-x", Map.of(), "j-", "Job", "backup-1234567", true))).as("7 digits: not a CronJob's")
        .isEqualTo("backup-1234567");
    assertThat(name(pod("j-x", Map.of(), "j-", "Job", "backup-12345678901", true))).as("11 digits")
        .isEqualTo("backup-12345678901");
    assertThat(name(pod("dc-1-x", Map.of("deploymentconfig", "frontend"), "dc-1-", "ReplicationController", "dc-1",
        true))).isEqualTo("frontend");
  }

  @Test
  void thePodsOwnNameWithoutAControllerOrAGeneratedName() {
    assertThat(name(pod("debug", Map.of(), null, null, null, false))).isEqualTo("debug");
    assertThat(name(pod("debug", Map.of(), null, "ReplicaSet", "rs", true))).as("name not generated")
        .isEqualTo("debug");
    assertThat(name(pod("x-1", Map.of(), "x-", "ReplicaSet", "rs", false))).as("an owner, not the controller")
        .isEqualTo("x-1");
  }

  @Test
  void istiosWorkloadNameLabelWins() {
    assertThat(name(pod("reviews-v1-5f7c8d-abcde", Map.of("pod-template-hash", "5f7c8d",
        "service.istio.io/workload-name", "reviews"), "reviews-v1-5f7c8d-", "ReplicaSet", "reviews-v1-5f7c8d", true)))
        .isEqualTo("reviews");
  }
}
