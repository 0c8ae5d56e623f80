package io.cosbuild.rootfs.testutil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The reference judge of SPDX licence expressions: Debian's python3-license-expression (scancode's
 * library, with its own copy of the SPDX License List), run by Debian's {@code /usr/bin/python3}, where
 * that package installs it (a python3 earlier in PATH, from pyenv or a venv, would not have it).
 */
public final class SpdxJudge {

  static final String PYTHON = "/usr/bin/python3";

  /**
   * Validates every licenseDeclared and licenseConcluded of the document on stdin with the SPDX licensing
   * plus the document's own LicenseRef ids; prints one problem per line. An expression must be valid, use
   * only listed or declared ids, and be what the library renders it as (so no deprecated ids such as
   * GPL-2.0+, no wrong case). Every declared LicenseRef must be well formed, declared once, have a text,
   * and be used.
   */
  private static final String DOCUMENT = """
      import json, re, sys
      from license_expression import get_license_index, build_spdx_licensing
      doc = json.load(sys.stdin)
      problems = []
      infos = doc.get('hasExtractedLicensingInfos', [])
      declared = [i['licenseId'] for i in infos]
      seen = set()
      for i in infos:
          if not re.fullmatch(r'LicenseRef-[A-Za-z0-9.-]+', i['licenseId']):
              problems.append('malformed id: ' + i['licenseId'])
          if i['licenseId'].lower() in seen:
              problems.append('declared twice: ' + i['licenseId'])
          seen.add(i['licenseId'].lower())
          if not i.get('extractedText', '').strip():
              problems.append('no extractedText: ' + i['licenseId'])
      index = list(get_license_index())
      # Each id once (the library refuses duplicate keys): a duplicate is reported above.
      unique = {k.lower(): k for k in declared}.values()
      index += [{'spdx_license_key': k, 'other_spdx_license_keys': [], 'is_exception': False} for k in unique]
      licensing = build_spdx_licensing(index)
      used = set()
      checked = 0
      for p in doc['packages']:
          for field in ('licenseDeclared', 'licenseConcluded'):
              e = p[field]
              if e in ('NOASSERTION', 'NONE'):
                  continue
              checked += 1
              r = licensing.validate(e)
              if r.errors:
                  problems.append('%s %s "%s": %s' % (p['name'], field, e, r.errors))
              elif r.normalized_expression != e:
                  problems.append('%s %s "%s" is not canonical: "%s"' % (p['name'], field, e, r.normalized_expression))
              used.update(x.lower() for x in re.findall(r'LicenseRef-[A-Za-z0-9.-]+', e))
      for d in declared:
          if d.lower() not in used:
              problems.append('declared, never used: ' + d)
      print(json.dumps({'checked': checked, 'problems': problems}))
      """;

  /** For each id on stdin (a JSON object id -> is an exception), says what is wrong with it, if anything. */
  private static final String IDS = """
      import json, sys
      from license_expression import get_license_index
      ids = json.load(sys.stdin)
      listed = {l['spdx_license_key']: l for l in get_license_index()
                if l.get('spdx_license_key') and not l.get('is_deprecated', False)}
      problems = []
      for i, exception in sorted(ids.items()):
          l = listed.get(i)
          if l is None:
              problems.append(i + ': not on the SPDX list (or deprecated)')
          elif bool(l.get('is_exception')) != exception:
              problems.append(i + (': is not an exception' if exception else ': is an exception'))
      print(json.dumps({'checked': len(ids), 'problems': problems}))
      """;

  private SpdxJudge() {}

  /** What the judge found: how many expressions or ids it checked, and the problems (none: all good). */
  public record Verdict(int checked, List<String> problems) {}

  /** Judges the licence fields and LicenseRefs of an SPDX 2.3 JSON document. */
  public static Verdict document(String spdxJson) throws IOException, InterruptedException {
    return run(DOCUMENT, spdxJson);
  }

  /** Judges SPDX ids: each must be on the list, not deprecated, and a licence or exception as said. */
  public static Verdict ids(Map<String, Boolean> idIsException) throws IOException, InterruptedException {
    return run(IDS, new ObjectMapper().writeValueAsString(idIsException));
  }

  private static Verdict run(String script, String stdin) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(PYTHON, "-c", script).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(PYTHON + " failed (python3-license-expression missing? scripts/test installs it): " + err);
    }
    JsonNode v = new ObjectMapper().readTree(out);
    List<String> problems = new ArrayList<>();
    v.get("problems").forEach(x -> problems.add(x.asText()));
    return new Verdict(v.get("checked").asInt(), problems);
  }
}
