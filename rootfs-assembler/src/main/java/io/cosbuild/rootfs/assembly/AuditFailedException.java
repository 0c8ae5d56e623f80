package io.cosbuild.rootfs.assembly;

import io.cosbuild.rootfs.audit.AuditReport;

/** The audit found something the plan makes an error; carries the full report so it can be printed. */
public class AuditFailedException extends AssemblyException {
  private static final long serialVersionUID = 1L;

  private final transient AssemblyResult result;

  public AuditFailedException(AssemblyResult result) {
    super("audit failed: " + result.audit().failedChecks() + " have findings and the profile makes them errors:\n"
        + result.audit().toText());
    this.result = result;
  }

  public AuditReport report() {
    return result.audit();
  }

  /** The assembly as far as it went, e.g. to write the report beside the output. */
  public AssemblyResult result() {
    return result;
  }
}
