import Checks from './checks.js';

export default function Page() {
  return <Checks />;
}
