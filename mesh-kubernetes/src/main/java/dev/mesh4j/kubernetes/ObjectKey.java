package dev.mesh4j.kubernetes;

/** A namespaced Kubernetes object's namespace and name. */
record ObjectKey(String namespace, String name) {
  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
