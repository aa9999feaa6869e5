import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const isDev = process.env.NODE_ENV === "development";
const allowInsecure = process.env.BITRIX24_ALLOW_INSECURE === "1";

/**
 * Next.js needs inline scripts for hydration, so scripts are limited to our origin plus inline; everything else is
 * locked down. Forms may post to our origin only, but server actions redirect to Bitrix24 portals for OAuth, which
 * browsers check against form-action too.
 */
const csp = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https:",
  "font-src 'self' data:",
  `connect-src 'self'${isDev ? " ws: wss:" : ""}`,
  "frame-ancestors 'none'",
  "base-uri 'self'",
  `form-action 'self' https:${allowInsecure ? " http:" : ""}`,
  "object-src 'none'",
].join("; ");

const securityHeaders = [
  { key: "Content-Security-Policy", value: csp },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  ...(isDev ? [] : [{ key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" }]),
];

/** For the Bitrix24 app page: framed by the customer's portal, whatever its domain (Bitrix24 portals can use their own). */
const frameableHeaders = [
  {
    key: "Content-Security-Policy",
    value: csp.replace("frame-ancestors 'none'", `frame-ancestors https:${allowInsecure ? " http:" : ""}`),
  },
  ...securityHeaders.filter((header) => header.key !== "Content-Security-Policy" && header.key !== "X-Frame-Options"),
];

const nextConfig: NextConfig = {
  // A separate build directory lets a test or benchmark build run beside a development server.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  serverExternalPackages: ["@electric-sql/pglite", "pg-boss", "postgres", "bcryptjs", "nodemailer"],
  outputFileTracingIncludes: { "/**": ["./messages/**/*", "./db/migrations/**/*"] },
  async headers() {
    return [
      // The Bitrix24 app page is shown inside the portal's frame: the only path that may be framed.
      { source: "/((?!api/bitrix24/install).*)", headers: securityHeaders },
      { source: "/api/bitrix24/install", headers: frameableHeaders },
    ];
  },
};

export default createNextIntlPlugin("./i18n/request.ts")(nextConfig);
