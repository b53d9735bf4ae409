package dev.sessiongateway.security;

import java.util.Set;

/**
 * An authenticated caller: its name (recorded on every session it opens), its roles and
 * what it may reach.
 */
public record GatewayClient(String name, Set<Role> roles, Set<String> pathorsProjects, boolean konpro) {

	public GatewayClient {
		roles = Set.copyOf(roles);
		pathorsProjects = Set.copyOf(pathorsProjects);
	}

	public boolean mayUsePathorsProject(String projectId) {
		return this.roles.contains(Role.SESSIONS)
				&& (this.pathorsProjects.contains("*") || this.pathorsProjects.contains(projectId));
	}

	public boolean mayUseKonpro() {
		return this.roles.contains(Role.SESSIONS) && this.konpro;
	}

	/**
	 * @throws ForbiddenException unless this client may use that Pathors project
	 */
	public void requirePathorsProject(String projectId) {
		if (!mayUsePathorsProject(projectId)) {
			throw new ForbiddenException("This client may not use that Pathors project.");
		}
	}

	/**
	 * @throws ForbiddenException unless this client may use Konpro
	 */
	public void requireKonpro() {
		if (!mayUseKonpro()) {
			throw new ForbiddenException("This client may not use Konpro.");
		}
	}

}
