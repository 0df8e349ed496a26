// Never a blank page: a route that failed (or does not exist) says so and links home.
import { Link, useRouteError } from "react-router";
import { errorText } from "./ErrorNote";

export function RouteError({ notFound }: { notFound?: boolean }) {
  const error = useRouteError();
  return (
    <main className="page" id="main">
      <h1>{notFound ? "Page not found" : "Something went wrong"}</h1>
      <p role="alert">
        {notFound ? "There is no page at this address." : errorText(error ?? "Unknown error")}
      </p>
      <p>
        <Link to="/processes">Go to Processes</Link>
      </p>
    </main>
  );
}
