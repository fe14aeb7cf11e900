global using AiOperator.Testing;
global using Xunit;
