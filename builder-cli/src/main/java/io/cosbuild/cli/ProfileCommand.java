package io.cosbuild.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.cosbuild.spec.LoadedProfile;
import io.cosbuild.spec.ProfileException;
import io.cosbuild.spec.ProfileLoader;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cosbuild profile show|validate|list}. */
@Command(name = "profile", description = "Show, validate and list image profiles.", mixinStandardHelpOptions = true)
// subcommands: CosbuildCommand.GROUPS
public final class ProfileCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say show, validate or list");
  }

  /** Prints the fully merged profile with every default. */
  @Command(name = "show", description = "Print the fully merged profile (YAML, or JSON with --json).", mixinStandardHelpOptions = true)
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ProfileOptions profiles;
    @Mixin LoggingOptions logging;

    @Parameters(paramLabel = "NAME|FILE", description = "Profile name (looked up in the profile path) or file.")
    String profile;

    @Option(names = "--json", description = "JSON instead of YAML.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      LoadedProfile p = profiles.loader().load(profile);
      Map<String, Object> out = new LinkedHashMap<>(p.effective());
      out.put("digest", p.profile().digest());
      out.put("sources", p.profile().sources());
      PrintWriter w = spec.commandLine().getOut();
      if (json) {
        w.println(Json.write(out));
      } else {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
        w.print(yaml.writeValueAsString(out));
      }
      w.flush();
      return Main.OK;
    }
  }

  /** Checks one, several or all profiles and reports every error. */
  @Command(name = "validate", description = "Check profiles (all in the profile path when none is named).", mixinStandardHelpOptions = true)
  static final class Validate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ProfileOptions profiles;
    @Mixin LoggingOptions logging;

    @Parameters(paramLabel = "NAME|FILE", arity = "0..*", description = "Profiles to check.")
    List<String> names = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      ProfileLoader loader = profiles.loader();
      List<String> todo = names.isEmpty() ? loader.names() : names;
      if (todo.isEmpty()) {
        throw new UsageException("no profiles found in " + loader.searchPath());
      }
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      int bad = 0;
      for (String n : todo) {
        try {
          LoadedProfile p = loader.load(n);
          out.println("ok      " + n + " (" + p.profile().digest().substring(0, 12) + ")");
        } catch (ProfileException e) {
          bad++;
          out.println("invalid " + n);
          err.println(e.getMessage().indent(2).stripTrailing());
        }
      }
      out.flush();
      err.flush();
      return bad == 0 ? Main.OK : Main.USAGE;
    }
  }

  /** Lists profile names. */
  @Command(name = "list", description = "List the profiles in the profile path.", mixinStandardHelpOptions = true)
  static final class ListProfiles implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ProfileOptions profiles;

    @Override
    public Integer call() throws Exception {
      for (String n : profiles.loader().names()) {
        spec.commandLine().getOut().println(n);
      }
      spec.commandLine().getOut().flush();
      return Main.OK;
    }
  }
}
