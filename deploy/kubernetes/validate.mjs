// Validates Kubernetes manifests (YAML files, several documents each) against the API's schemas
// from the kubernetes-models package (package.json pins it), strictly: a field the schema does
// not know (a misspelt readinessProbe, say) is an error, as a type or a missing required field
// is. Then checks what the gateway's Deployment must keep: a non-root, read-only container,
// probes on the actuator's health groups, PostgreSQL, and a grace period that covers the
// preStop pause and the gateway's own shutdown.
//
//   node deploy/kubernetes/validate.mjs rendered.yaml ...   (kubectl kustomize's output)
//
// Prints one line per object and exits 1 when any is invalid.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const problems = [];
let checked = 0;

/**
 * Runs the model's validator over a copy of the object whose every property read is recorded:
 * the validator reads each property its schema defines, so a property it never read is one the
 * schema does not know.
 */
function unknownFields(validate, object) {
  const read = new Map();
  const watch = (value, path) => {
    if (value === null || typeof value !== "object") {
      return value;
    }
    const seen = new Set();
    read.set(path, { value, seen });
    return new Proxy(value, {
      get(target, key, receiver) {
        if (typeof key === "string") {
          seen.add(key);
          return watch(Reflect.get(target, key, receiver), `${path}/${key}`);
        }
        return Reflect.get(target, key, receiver);
      },
    });
  };
  const errors = [];
  try {
    validate(watch(object, ""));
  } catch (error) {
    errors.push(error.message);
  }
  for (const [path, { value, seen }] of read) {
    for (const key of Object.keys(value)) {
      if (!seen.has(key)) {
        errors.push(`${path}/${key} is not a field of this object`);
      }
    }
  }
  return errors;
}

async function model(apiVersion, kind) {
  try {
    return (await import(`kubernetes-models/${apiVersion}`))[kind];
  } catch {
    return undefined;
  }
}

function duration(text) {
  const match = /^(\d+)(ms|s|m)?$/.exec(text ?? "");
  if (!match) {
    return undefined;
  }
  const amount = Number(match[1]);
  return match[2] === "ms" ? amount / 1000 : match[2] === "m" ? amount * 60 : amount;
}

/** What the gateway's Deployment must keep, whatever an overlay changes. */
function gatewayRules(deployment) {
  const errors = [];
  const pod = deployment.spec?.template?.spec ?? {};
  const container = (pod.containers ?? []).find((each) => each.name === "gateway");
  if (!container) {
    return ["has no container named gateway"];
  }
  const env = Object.fromEntries((container.env ?? []).map((each) => [each.name, each]));
  const expect = (condition, message) => condition || errors.push(message);
  expect((deployment.spec.replicas ?? 1) >= 2, "runs fewer than 2 replicas");
  expect(pod.securityContext?.runAsNonRoot === true, "does not require a non-root user (runAsNonRoot)");
  expect(container.securityContext?.readOnlyRootFilesystem === true, "has a writable root filesystem");
  expect(container.securityContext?.allowPrivilegeEscalation === false, "allows privilege escalation");
  const tmp = (container.volumeMounts ?? []).find((mount) => mount.mountPath === "/tmp");
  expect(tmp && (pod.volumes ?? []).some((volume) => volume.name === tmp.name && volume.emptyDir),
    "has no emptyDir at /tmp (the JVM and Tomcat write there)");
  expect(container.livenessProbe?.httpGet?.path === "/actuator/health/liveness",
    "has no liveness probe on /actuator/health/liveness");
  expect(container.readinessProbe?.httpGet?.path === "/actuator/health/readiness",
    "has no readiness probe on /actuator/health/readiness");
  expect(container.resources?.requests?.memory && container.resources?.limits?.memory,
    "has no memory request and limit");
  expect(env.SPRING_DATASOURCE_URL?.valueFrom?.configMapKeyRef || env.SPRING_DATASOURCE_URL?.valueFrom?.secretKeyRef,
    "takes SPRING_DATASOURCE_URL from no ConfigMap or Secret (the H2 file is not for Kubernetes)");
  expect(!/jdbc:h2:/.test(env.SPRING_DATASOURCE_URL?.value ?? ""), "uses H2");
  expect(env.SPRING_DATASOURCE_PASSWORD?.valueFrom?.secretKeyRef, "takes the database password from no Secret");
  const preStop = container.lifecycle?.preStop?.exec?.command ?? [];
  const pause = preStop[0] === "sleep" ? Number(preStop[1]) : 0;
  expect(pause > 0, "has no preStop pause (sleep) for the endpoints to drop the pod");
  const shutdown = duration(env.SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE?.value) ?? 30;
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  expect(grace > pause + shutdown,
    `terminationGracePeriodSeconds ${grace} does not cover the preStop pause (${pause} s) and the gateway's shutdown (${shutdown} s)`);
  return errors;
}

for (const file of process.argv.slice(2)) {
  for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (document.errors.length > 0) {
      problems.push(`${file}: ${document.errors.map((error) => error.message).join("; ")}`);
      continue;
    }
    const object = document.toJS();
    if (object === null) {
      continue;
    }
    const name = `${file}: ${object.kind ?? "?"} ${object.metadata?.name ?? "?"}`;
    const Model = await model(object.apiVersion, object.kind);
    let errors;
    if (!Model) {
      errors = [`unknown apiVersion ${object.apiVersion} or kind ${object.kind}`];
    } else {
      errors = unknownFields((watched) => Model.prototype.validate.call(watched), object);
      if (object.kind === "Deployment" && object.metadata?.name === "session-gateway") {
        errors.push(...gatewayRules(object));
      }
    }
    checked++;
    if (errors.length === 0) {
      console.log(`${name}: valid`);
    } else {
      problems.push(`${name}: ${errors.join("; ")}`);
    }
  }
}

for (const problem of problems) {
  console.error(`${problem}: INVALID`);
}
if (problems.length > 0 || checked === 0) {
  console.error(checked === 0 ? "No Kubernetes object to validate." : `${problems.length} invalid.`);
  process.exit(1);
}
console.log(`${checked} objects valid (Kubernetes schemas of kubernetes-models).`);
