import MDXComponents from '@theme-original/MDXComponents';
import Lab from '@site/src/components/Lab';
import Quiz from '@site/src/components/Quiz';
import Terminal from '@site/src/components/Terminal';

// Lessons use <Lab id="…"/>, <Quiz …/> and <Terminal/> without importing them.
export default {
  ...MDXComponents,
  Lab,
  Quiz,
  Terminal,
};
