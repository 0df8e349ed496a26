import { Empty } from "../../ui/Empty";

// The Test Suite arrives with its own issue; until then the screen says so.
export function TestSuitePage() {
  return (
    <>
      <h1>Test Suite</h1>
      <Empty title="No test suite yet">
        <p>
          Test cases are coming in a later release. Until then, keep a Succeeded run as an example
          by starring the outputs that matter on its process.
        </p>
      </Empty>
    </>
  );
}
