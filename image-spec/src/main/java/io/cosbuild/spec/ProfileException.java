package io.cosbuild.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A profile that cannot be used; carries every error found, each with file:line:column. */
public class ProfileException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<ProfileError> errors;

  public ProfileException(List<ProfileError> errors) {
    super(errors.stream().map(ProfileError::toString).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
  }

  public List<ProfileError> errors() {
    return errors;
  }
}
