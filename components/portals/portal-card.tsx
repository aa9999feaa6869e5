import { Suspense } from "react";
import { getFormatter, getTranslations } from "next-intl/server";
import { revokeConnectLinkAction } from "@/app/actions/portals";
import { Alert } from "@/components/ui/alert";
import { Badge, Card } from "@/components/ui/card";
import { ConfirmAction } from "@/components/ui/confirm-action";
import type { ConnectionStatus } from "@/db/schema";
import { getPortalCard, type ClientConnection } from "@/lib/server/services/portals";
import type { TenantContext } from "@/lib/server/tenant";
import { ClaimCodeForm } from "./claim-code-form";
import { ConnectPortalForm } from "./connect-portal-form";
import { CreateConnectLinkForm } from "./create-connect-link-form";
import { PortalFlash } from "./portal-flash";

const TONES: Record<ConnectionStatus, "good" | "bad" | "warn" | "neutral" | "info"> = {
  connected: "good",
  pending: "info",
  needs_reauth: "warn",
  uninstalled: "neutral",
  error: "bad",
};

/** The origin to prefill when reconnecting ("https://acme.bitrix24.ru"). */
function originOf(connection: ClientConnection): string {
  try {
    return new URL(connection.clientEndpoint).origin;
  } catch {
    return connection.domain;
  }
}

/**
 * The client's Bitrix24 connection on the client's page: its state, and for members who may connect portals the
 * three ways to connect (OAuth now, a connect link for the portal admin, a claim code from a portal-side install)
 * and the active connect links. Client viewers and roles without `portals.connect` see the state only.
 * `syncSlot` is where live sync progress goes for a connected portal.
 */
export async function PortalCard({ ctx, clientId, syncSlot }: { ctx: TenantContext; clientId: string; syncSlot?: React.ReactNode }) {
  const { connection, canConnect, configured, links } = await getPortalCard(ctx, clientId);
  const t = await getTranslations("portals");
  const format = await getFormatter();
  const when = (date: Date | null) =>
    date ? format.dateTime(date, { dateStyle: "medium", timeStyle: "short" }) : t("fields.never");
  const reason = (code: string | null) => {
    const key = `reasons.${(code ?? "").toLowerCase()}`;
    return code && t.has(key as never) ? t(key as never) : t("reasons.unknown", { code: code ?? "—" });
  };
  const status = connection?.status;
  const needsAttention = status && status !== "connected";

  return (
    <Card id="portal" aria-labelledby="portal-title" className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="portal-title" className="text-lg font-semibold">
          {t("title")}
        </h2>
        <span data-testid="portal-status">
          {status ? <Badge tone={TONES[status]}>{t(`status.${status}`)}</Badge> : <Badge>{t("status.notConnected")}</Badge>}
        </span>
      </div>

      <Suspense fallback={null}>
        <PortalFlash />
      </Suspense>

      {connection && (
        <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-4">
          <div>
            <dt className="text-slate-500">{t("fields.domain")}</dt>
            <dd className="mt-1 font-medium" data-testid="portal-domain">
              {connection.domain}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">{t("fields.memberId")}</dt>
            <dd className="mt-1 break-all font-mono text-xs">{connection.memberId}</dd>
          </div>
          <div>
            <dt className="text-slate-500">{t("fields.connectedAt")}</dt>
            <dd className="mt-1">
              {when(connection.connectedAt ?? connection.createdAt)}
              {connection.connectedVia && (
                <span className="block text-xs text-slate-500">
                  {t("fields.via")}: {t(`via.${connection.connectedVia}` as never)}
                </span>
              )}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">{t("fields.lastSyncedAt")}</dt>
            <dd className="mt-1">{when(connection.lastSyncedAt)}</dd>
          </div>
        </dl>
      )}

      {status === "connected" && syncSlot}

      {needsAttention && (
        <Alert tone={status === "error" ? "error" : "warning"}>
          {t(`statusText.${status}`, { reason: reason(connection.statusReason) })}
        </Alert>
      )}

      {!connection && !canConnect && <p className="text-sm text-slate-600">{t("viewerNotConnected")}</p>}
      {connection && needsAttention && !canConnect && <p className="text-sm text-slate-600">{t("viewerReadOnly")}</p>}

      {canConnect && (!connection || needsAttention) && (
        <>
          {!configured ? (
            <Alert tone="warning">{t("notConfigured")}</Alert>
          ) : (
            <>
              {!connection && <p className="text-sm text-slate-600">{t("notConnectedText")}</p>}
              <div className="grid gap-4 lg:grid-cols-3">
                <section aria-labelledby={`portal-oauth-${clientId}`} className="space-y-2 rounded-md border border-slate-200 p-4">
                  <h3 id={`portal-oauth-${clientId}`} className="font-medium">
                    {connection ? t("oauth.reconnectTitle") : t("oauth.title")}
                  </h3>
                  <p className="text-sm text-slate-600">{connection ? t("oauth.reconnectText") : t("oauth.text")}</p>
                  <ConnectPortalForm
                    clientId={clientId}
                    defaultPortal={connection ? originOf(connection) : undefined}
                    reconnect={Boolean(connection)}
                  />
                </section>
                <section aria-labelledby={`portal-link-${clientId}`} className="space-y-2 rounded-md border border-slate-200 p-4">
                  <h3 id={`portal-link-${clientId}`} className="font-medium">
                    {t("links.title")}
                  </h3>
                  <p className="text-sm text-slate-600">{t("links.text")}</p>
                  <CreateConnectLinkForm clientId={clientId} />
                </section>
                <section aria-labelledby={`portal-claim-${clientId}`} className="space-y-2 rounded-md border border-slate-200 p-4">
                  <h3 id={`portal-claim-${clientId}`} className="font-medium">
                    {t("claim.title")}
                  </h3>
                  <p className="text-sm text-slate-600">{t("claim.text")}</p>
                  <ClaimCodeForm clientId={clientId} />
                </section>
              </div>
            </>
          )}
        </>
      )}

      {canConnect && links.length > 0 && (
        <section aria-labelledby={`portal-links-${clientId}`} className="space-y-2">
          <h3 id={`portal-links-${clientId}`} className="text-sm font-medium text-slate-700">
            {t("links.active")}
          </h3>
          <ul className="divide-y divide-slate-100 rounded-md border border-slate-200" data-testid="connect-links">
            {links.map((link) => (
              <li key={link.id} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm">
                <span>
                  <span className="font-medium">{t("links.expires", { date: when(link.expiresAt) })}</span>
                  <span className="block text-xs text-slate-500">
                    {link.createdByName
                      ? t("links.createdBy", { name: link.createdByName, date: when(link.createdAt) })
                      : t("links.createdOn", { date: when(link.createdAt) })}
                  </span>
                </span>
                <ConfirmAction
                  action={revokeConnectLinkAction}
                  fields={{ clientId, linkId: link.id }}
                  label={t("links.revoke")}
                  title={t("links.revokeTitle")}
                  text={t("links.revokeText")}
                  confirmLabel={t("links.revokeConfirm")}
                  variant="secondary"
                />
              </li>
            ))}
          </ul>
        </section>
      )}
    </Card>
  );
}
