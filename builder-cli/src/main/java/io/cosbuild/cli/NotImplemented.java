package io.cosbuild.cli;

/** Answer of a contract command whose implementation has not landed: exit 2, never a silent success. */
final class NotImplemented {
  private NotImplemented() {}

  static int answer(picocli.CommandLine.Model.CommandSpec spec) {
    spec.commandLine().getErr().println("cosbuild: '" + spec.qualifiedName() + "' is not implemented yet");
    return Main.USAGE;
  }
}
