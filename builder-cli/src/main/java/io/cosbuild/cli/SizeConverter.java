package io.cosbuild.cli;

import io.cosbuild.disk.DiskImageException;
import io.cosbuild.disk.layout.Sizes;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A size option in bytes or with a unit, as profiles write sizes ({@link Sizes}): 512M, 2G, 2GiB, 2GB. */
final class SizeConverter implements ITypeConverter<Long> {

  @Override
  public Long convert(String value) {
    try {
      return Sizes.parse(value);
    } catch (DiskImageException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
