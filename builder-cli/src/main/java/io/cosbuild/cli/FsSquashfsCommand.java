package io.cosbuild.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Placeholder until this command's implementation lands: answers "not implemented yet", exit 2. */
@Command(name = "squashfs", description = "Write a squashfs image.", mixinStandardHelpOptions = true)
public final class FsSquashfsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "0..*", hidden = true)
  List<String> args;

  @Override
  public Integer call() {
    return NotImplemented.answer(spec);
  }
}
