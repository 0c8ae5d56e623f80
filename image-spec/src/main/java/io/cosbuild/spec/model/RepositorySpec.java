package io.cosbuild.spec.model;

import java.util.List;

/** A Debian repository: base URI ({@code apt-sources} = the host's mirror), suites, components, keyring. */
public record RepositorySpec(String uri, List<String> suites, List<String> components, String keyring) {
  public static final String HOST_APT_SOURCES = "apt-sources";

  public RepositorySpec {
    suites = List.copyOf(suites);
    components = List.copyOf(components);
  }
}
