// The frame around every signed-in screen: left navigation, the signed-in user, log out.
// Not signed in: to the login page (which sends on to setup while there is no admin yet).
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Navigate, NavLink, Outlet, useLocation } from "react-router";
import { ApiError } from "../api/client";
import { ErrorNote } from "./ErrorNote";
import { useMe } from "./session";

const NAV = [
  { to: "/processes", label: "Processes" },
  { to: "/runs", label: "Runs" },
  { to: "/test-suite", label: "Test Suite" },
  { to: "/settings", label: "Settings" },
];

export function Shell() {
  const me = useMe();
  const location = useLocation();
  const queryClient = useQueryClient();

  // Any 401 (an expired session) sends the person to log in again, then back here.
  useEffect(() => {
    const onUnauthorized = () => queryClient.invalidateQueries({ queryKey: ["me"] });
    window.addEventListener("plainrun:unauthorized", onUnauthorized);
    return () => window.removeEventListener("plainrun:unauthorized", onUnauthorized);
  }, [queryClient]);

  // A new screen (not a new filter): focus moves to its content, as a page load would put a
  // keyboard or screen reader user at the top of it, instead of on a link that is gone.
  const screen = useRef(location.pathname);
  useEffect(() => {
    if (screen.current === location.pathname) return;
    screen.current = location.pathname;
    const main = document.getElementById("main");
    if (main && !main.contains(document.activeElement)) main.focus({ preventScroll: true });
  }, [location.pathname]);

  if (me.isPending) return <p className="page loading">Loading…</p>;
  if (me.error) {
    if (me.error instanceof ApiError && me.error.status === 401) {
      const next = location.pathname + location.search;
      return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
    }
    return (
      <main className="page" id="main">
        <h1>Plainrun</h1>
        <ErrorNote error={me.error} />
      </main>
    );
  }

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="sidebar">
        <NavLink to="/processes" className="brand">
          Plainrun
        </NavLink>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.to}>
                <NavLink to={n.to}>{n.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="user">
          <span className="user-name" title="Signed in">
            {me.data.user?.email ?? me.data.key?.name}
          </span>
          {/* A real form post (the server ends the session and sends to /login): the same
              path with and without JavaScript. */}
          <form method="post" action="/logout" className="logout">
            <input type="hidden" name="csrf_token" value={me.data.csrf_token ?? ""} />
            <button type="submit" className="link-button">
              Log out
            </button>
          </form>
        </div>
      </header>
      <main className="content" id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
