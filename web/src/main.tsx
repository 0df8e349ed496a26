// The web UI's entry: server state in TanStack Query, screens behind URLs (React Router), the
// process screen (and its editor) loaded only when opened.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, Navigate, RouterProvider } from "react-router";
import { ApiError } from "./api/client";
import { LoginPage } from "./screens/login/LoginPage";
import { ProcessesPage } from "./screens/processes/ProcessesPage";
import { RunPage } from "./screens/run/RunPage";
import { RunsPage } from "./screens/runs/RunsPage";
import { SchedulePage } from "./screens/schedule/SchedulePage";
import { SettingsPage } from "./screens/settings/SettingsPage";
import { SetupPage } from "./screens/setup/SetupPage";
import { TestSuitePage } from "./screens/testsuite/TestSuitePage";
import { RouteError } from "./ui/RouteError";
import { Shell } from "./ui/Shell";
import "./ui/styles.css";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      retry: (count, err) =>
        !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
    },
  },
});

// One screen = one folder and one route here.
const router = createBrowserRouter([
  { path: "/setup", element: <SetupPage />, errorElement: <RouteError /> },
  { path: "/login", element: <LoginPage />, errorElement: <RouteError /> },
  {
    path: "/",
    element: <Shell />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Navigate to="/processes" replace /> },
      { path: "processes", element: <ProcessesPage /> },
      {
        path: "processes/:id",
        lazy: async () => ({
          Component: (await import("./screens/process/ProcessPage")).ProcessPage,
        }),
      },
      { path: "processes/:id/runs", element: <RunsPage /> },
      { path: "runs", element: <RunsPage /> },
      { path: "runs/:id", element: <RunPage /> },
      { path: "schedules/:id", element: <SchedulePage /> },
      { path: "test-suite", element: <TestSuitePage /> },
      { path: "settings", element: <SettingsPage /> },
      { path: "*", element: <RouteError notFound /> },
    ],
  },
]);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
