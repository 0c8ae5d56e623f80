package io.cosbuild.cli;

import io.cosbuild.packages.repo.AptSources;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --mirror URL}: refused while the arguments are parsed (a usage error naming the option) unless it is an
 * http, https or file URL a repository can be read from, rather than after the profile or host sources are read.
 */
final class MirrorUrl implements ITypeConverter<String> {

  @Override
  public String convert(String value) {
    try {
      AptSources.mirrorUri(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("'" + value + "': " + e.getMessage());
    }
    return value;
  }
}
